// Sign up, sign in, sign out, forgot password and reset, and the "signed in
// as" line. Mail links come back to this page: a verification link with
// ?verified=1 (signed in), a reset link with ?token=..., either with ?error=...
// when the link is no good.
import { ApiError } from "@authbridge/client";
import type { Context } from "./context.js";
import { busy, byId, errorLine, field } from "./dom.js";
import { clearErrors, showError } from "./forms.js";
import { explain, explainCode } from "./messages.js";

const linkErrors: Record<string, string> = {
  TOKEN_EXPIRED: "This link has expired. Ask for a new one.",
};

export function setUpAccount(ctx: Context): void {
  const signUp = byId("sign-up-form", HTMLFormElement);
  const signIn = byId("sign-in-form", HTMLFormElement);
  const forgot = byId("forgot-form", HTMLFormElement);
  const reset = byId("reset-form", HTMLFormElement);
  const signOut = byId("sign-out", HTMLButtonElement);
  const whoami = byId("whoami", HTMLElement);
  const checkInbox = byId("check-inbox", HTMLElement);
  const inboxLink = byId("inbox-link", HTMLAnchorElement);
  const resend = byId("resend-verification", HTMLButtonElement);
  const here = `${location.origin}/`;
  /** The address whose verification mail the page may send again. */
  let unverified: string | undefined;

  /** "Check your inbox", with a link to the local stack's inbox when there is one. */
  const pointToInbox = (text: string, verifying?: string) => {
    unverified = verifying;
    resend.hidden = verifying === undefined;
    byId("check-inbox-text", HTMLElement).textContent = text;
    if (ctx.config.inboxUrl) {
      inboxLink.href = ctx.config.inboxUrl;
      inboxLink.hidden = false;
    }
    checkInbox.hidden = false;
  };

  // Back from a mail's link: say what happened, and take the token out of the address bar and history.
  const params = new URLSearchParams(location.search);
  const resetToken = params.get("token");
  const linkError = params.get("error");
  if (linkError) ctx.notify(linkErrors[linkError] ?? explainCode(linkError));
  else if (params.has("verified")) ctx.notify("Your email address is verified, and you are signed in.");
  if (resetToken && !linkError) {
    reset.hidden = false;
    forgot.hidden = true;
    byId("reset-password", HTMLInputElement).focus();
  }
  if (params.size > 0) history.replaceState(null, "", location.pathname);

  signUp.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(signUp);
    const email = field(signUp, "email");
    void busy(signUp, async () => {
      try {
        await ctx.auth.signUp({ name: field(signUp, "name"), email, password: field(signUp, "password"), callbackURL: `${here}?verified=1` });
        signUp.reset();
        // Sign-up does not sign in (no account enumeration): offer the next step.
        byId("sign-in-email", HTMLInputElement).value = email;
        byId("sign-in-password", HTMLInputElement).focus();
        errorLine(signIn).textContent = "";
        ctx.notify(null);
        whoami.textContent = `Account created for ${email}. Now sign in.`;
        pointToInbox(`Check your inbox: we sent ${email} a link to verify the address.`, email);
      } catch (error: unknown) {
        showError(signUp, error);
      }
    });
  });

  signIn.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(signIn);
    void busy(signIn, async () => {
      try {
        const user = await ctx.auth.signIn({ email: field(signIn, "email"), password: field(signIn, "password") });
        signIn.reset();
        ctx.notify(null);
        ctx.session.set(user);
      } catch (error: unknown) {
        showError(signIn, error);
        // The right password for an address not verified yet (REQUIRE_EMAIL_VERIFICATION): offer the mail again.
        if (error instanceof ApiError && error.code === "EMAIL_NOT_VERIFIED") pointToInbox("Verify the address first: follow the link in the mail we sent.", field(signIn, "email"));
      }
    });
  });

  resend.addEventListener("click", () => {
    const email = unverified;
    if (!email) return;
    void busy(resend, async () => {
      try {
        await ctx.auth.resendVerification({ email, callbackURL: `${here}?verified=1` });
        pointToInbox(`Sent again: check your inbox for a new link to verify ${email}.`, email);
      } catch (error: unknown) {
        ctx.notify(explain(error).message);
      }
    });
  });

  forgot.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(forgot);
    const email = field(forgot, "email");
    void busy(forgot, async () => {
      try {
        await ctx.auth.requestPasswordReset({ email, redirectTo: here });
        forgot.reset();
        // The same answer whether or not the address has an account.
        pointToInbox(`If ${email} has an account, a reset link is on its way: check your inbox.`);
      } catch (error: unknown) {
        showError(forgot, error);
      }
    });
  });

  reset.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(reset);
    void busy(reset, async () => {
      try {
        await ctx.auth.resetPassword({ token: resetToken ?? "", newPassword: field(reset, "password") });
        reset.reset();
        reset.hidden = true;
        forgot.hidden = false;
        ctx.session.set(null);
        ctx.notify("Your password is changed, and every session of your account has ended. Sign in with the new password.");
      } catch (error: unknown) {
        showError(reset, error);
      }
    });
  });

  signOut.addEventListener("click", () => {
    void busy(signOut, async () => {
      try {
        await ctx.auth.signOut();
      } catch (error: unknown) {
        ctx.notify(explain(error).message);
        return;
      }
      ctx.session.set(null);
    });
  });

  ctx.session.subscribe((user) => {
    byId("signed-out", HTMLElement).hidden = user !== null;
    byId("signed-in", HTMLElement).hidden = user === null;
    if (user) checkInbox.hidden = true;
    whoami.textContent = user ? `Signed in as ${user.name} (${user.email})` : "Not signed in";
  });
}
