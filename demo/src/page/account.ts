// Sign up, sign in, sign out, and the "signed in as" line.
import type { Context } from "./context.js";
import { busy, byId, errorLine, field } from "./dom.js";
import { clearErrors, showError } from "./forms.js";
import { explain } from "./messages.js";

export function setUpAccount(ctx: Context): void {
  const signUp = byId("sign-up-form", HTMLFormElement);
  const signIn = byId("sign-in-form", HTMLFormElement);
  const signOut = byId("sign-out", HTMLButtonElement);
  const whoami = byId("whoami", HTMLElement);

  signUp.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(signUp);
    const email = field(signUp, "email");
    void busy(signUp, async () => {
      try {
        await ctx.auth.signUp({ name: field(signUp, "name"), email, password: field(signUp, "password") });
        signUp.reset();
        // Sign-up does not sign in (no account enumeration): offer the next step.
        byId("sign-in-email", HTMLInputElement).value = email;
        byId("sign-in-password", HTMLInputElement).focus();
        errorLine(signIn).textContent = "";
        ctx.notify(null);
        whoami.textContent = `Account created for ${email}. Now sign in.`;
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
    whoami.textContent = user ? `Signed in as ${user.name} (${user.email})` : "Not signed in";
  });
}
