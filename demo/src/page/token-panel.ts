// The access token's life, second by second: when it expires, when the
// client renews it, how many times it has. An app would just call the API
// (the client renews a token when a call needs one); the demo asks for a token
// as soon as one is due, so you can watch it happen.
import { AuthenticationError } from "@authbridge/client";
import type { Context } from "./context.js";
import { byId } from "./dom.js";

const clock = (ms: number) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

export function setUpTokenPanel(ctx: Context): void {
  const expires = byId("token-expires", HTMLElement);
  const renews = byId("token-renews", HTMLElement);
  const renewals = byId("token-renewals", HTMLElement);
  const hint = byId("token-hint", HTMLElement);
  const verified = byId("token-email-verified", HTMLElement);
  let renewing = false;

  const renew = async () => {
    renewing = true;
    const api = ctx.api;
    try {
      await api.tokens.get();
    } catch (error: unknown) {
      // Refused for the session this page still shows (not one already left): it has ended.
      if (error instanceof AuthenticationError && api === ctx.api && ctx.session.user) ctx.sessionLost();
    } finally {
      renewing = false;
      render();
    }
  };

  const render = () => {
    const times = ctx.watch.current;
    renewals.textContent = String(ctx.watch.renewals);
    if (!ctx.session.user || !times) {
      expires.textContent = "no token";
      renews.textContent = "–";
      verified.textContent = "–";
      hint.textContent = ctx.session.user ? "Getting a token…" : "Sign in to get one.";
      return;
    }
    const now = Date.now();
    expires.textContent = now >= times.expiresAt ? "expired" : clock(times.expiresAt - now);
    renews.textContent = now >= times.renewAt ? "now" : clock(times.renewAt - now);
    verified.textContent = times.emailVerified ? "yes (email_verified: true)" : "not yet (email_verified: false)";
    const lifetime = Math.round((times.expiresAt - times.issuedAt) / 1000);
    hint.textContent = `Issued at ${new Date(times.issuedAt).toLocaleTimeString()}, valid for ${lifetime} s; renewed ${ctx.config.renewBeforeSeconds} s before it expires.`;
    if (now >= times.renewAt && !renewing) void renew();
  };

  ctx.session.subscribe((user) => {
    if (user && !ctx.watch.current) void renew();
    render();
  });
  setInterval(render, 1000);
  render();
}
