"use client";
// Sign in with Better Auth's React client. The auth-service's answer sets the
// session cookie (HttpOnly, through the app's /api/auth); no token is asked
// for here: the ApiProvider gets one once the session is known (and again
// after each full page load: tokens live in memory only).
import { useState, type FormEvent } from "react";
import { authClient } from "../lib/auth-client";
import { explainAuthError, type Explanation } from "../lib/messages";
import { Field } from "./fields";

export function SignInForm({ next, email, created }: { next: string; email: string; created: boolean }) {
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const { error } = await authClient.signIn.email({ email: String(form.get("email")), password: String(form.get("password")) });
    setBusy(false);
    if (error) {
      setProblem(explainAuthError(error));
      return;
    }
    // A full page load, not router.push: the client router may hold pages
    // (and the proxy's redirects) fetched while signed out.
    window.location.assign(next);
  };

  return (
    <form id="sign-in-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      {created && <p className="success">Account created for {email}. Now sign in.</p>}
      <Field id="sign-in-email" label="Email" name="email" type="email" autoComplete="username" required defaultValue={email} error={problem?.fields.email} />
      <Field id="sign-in-password" label="Password" name="password" type="password" autoComplete="current-password" required error={problem?.fields.password} />
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
