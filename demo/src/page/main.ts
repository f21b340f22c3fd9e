// The demo page: wires the typed client, Better Auth's endpoints and the
// page's parts together, then asks the auth-service who is signed in.
import { ApiClient } from "@authbridge/client";
import { setUpAccount } from "./account.js";
import { AuthSession } from "./auth.js";
import { parsePageConfig } from "./config.js";
import { SessionState, type Context } from "./context.js";
import { byId } from "./dom.js";
import { explain } from "./messages.js";
import { setUpPosts } from "./posts.js";
import { setUpProfile } from "./profile.js";
import { setUpTokenPanel } from "./token-panel.js";
import { TokenWatch } from "./token-watch.js";

async function start(): Promise<void> {
  const config = parsePageConfig(await (await fetch("/config.json")).json());
  const notice = byId("notice", HTMLElement);
  const session = new SessionState();
  const connect = () => {
    const watch = new TokenWatch(config.authUrl, config.renewBeforeSeconds);
    const api = new ApiClient({ apiUrl: config.apiUrl, authUrl: config.authUrl, renewBeforeSeconds: config.renewBeforeSeconds, fetch: watch.observe((input, init) => fetch(input, init)) });
    return { api, watch };
  };
  let signedIn = connect();
  // First of all listeners: the others already see the new session's client.
  session.subscribe(() => {
    signedIn = connect();
  });

  const ctx: Context = {
    config,
    get api() {
      return signedIn.api;
    },
    get watch() {
      return signedIn.watch;
    },
    anonymous: new ApiClient({ apiUrl: config.apiUrl, authUrl: config.authUrl, session: false }),
    auth: new AuthSession(config.authUrl, (input, init) => fetch(input, init)),
    session,
    notify(message) {
      notice.textContent = message ?? "";
      notice.hidden = message === null;
    },
    sessionLost() {
      session.set(null);
      this.notify("Your session has ended. Sign in again to continue.");
    },
  };

  setUpAccount(ctx);
  setUpTokenPanel(ctx);
  setUpProfile(ctx);
  setUpPosts(ctx);

  try {
    session.set(await ctx.auth.current());
  } catch (error: unknown) {
    session.set(null);
    ctx.notify(explain(error).message);
  }
  document.body.dataset.ready = "true";
}

void start();
