"use client";
// Sign in with Better Auth's React client. The auth-service's answer sets the
// session cookie (HttpOnly, through the app's /api/auth); no token is asked
// for here: the ApiProvider gets one once the session is known (and again
// after each full page load: tokens live in memory only).
//
// After a sign-up it says "check your inbox", with a button to have the
// verification mail sent again; so it does after a sign-in refused for an
// unverified address (REQUIRE_EMAIL_VERIFICATION at the auth-service).
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { authClient } from "../lib/auth-client";
import { explainAuthError, type Explanation } from "../lib/messages";
import { Field } from "./fields";
import { ResendVerification } from "./resend-verification";

export function SignInForm({ next, email, created, passwordReset }: { next: string; email: string; created: boolean; passwordReset: boolean }) {
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [unverified, setUnverified] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const address = String(form.get("email"));
    const { error } = await authClient.signIn.email({ email: address, password: String(form.get("password")) });
    setBusy(false);
    if (error) {
      setProblem(explainAuthError(error));
      setUnverified(error.code === "EMAIL_NOT_VERIFIED" ? address : "");
      return;
    }
    // A full page load, not router.push: the client router may hold pages
    // (and the proxy's redirects) fetched while signed out.
    window.location.assign(next);
  };

  return (
    <>
      {created && <ResendVerification email={email} intro={`Account created for ${email}. Check your inbox: we sent it a link to verify the address. Then sign in.`} />}
      {passwordReset && (
        <p id="password-changed" className="success">
          Your password is changed, and every session of your account has ended. Sign in with the new one.
        </p>
      )}
      <form id="sign-in-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
        <Field id="sign-in-email" label="Email" name="email" type="email" autoComplete="username" required defaultValue={email} error={problem?.fields.email} />
        <Field id="sign-in-password" label="Password" name="password" type="password" autoComplete="current-password" required error={problem?.fields.password} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p className="form-error" role="alert">
          {problem?.message ?? ""}
        </p>
        {/* Refused as unverified: the mail can be sent again from here (not twice on the page). */}
        {unverified && !created && <ResendVerification key={unverified} email={unverified} intro="" />}
        <p>
          <Link href="/forgot-password">Forgot your password?</Link>
        </p>
      </form>
    </>
  );
}
