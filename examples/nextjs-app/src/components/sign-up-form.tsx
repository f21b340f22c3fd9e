"use client";
// Create an account with Better Auth's React client. The auth-service does
// not sign in on sign-up (it answers an existing address exactly like a new
// one, so nobody learns which addresses have accounts): the next step is
// signing in, where "check your inbox" waits. The verification mail's link
// leads back to this app's /verified page (`callbackURL`).
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { authClient } from "../lib/auth-client";
import { hereAt, VERIFIED_PATH } from "../lib/mail-pages";
import { explainAuthError, type Explanation } from "../lib/messages";
import { Field } from "./fields";

export function SignUpForm() {
  const router = useRouter();
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setProblem(null);
    const { error } = await authClient.signUp.email({ name: String(form.get("name")), email, password: String(form.get("password")), callbackURL: hereAt(VERIFIED_PATH) });
    setBusy(false);
    if (error) {
      setProblem(explainAuthError(error));
      return;
    }
    router.push(`/sign-in?created=1&email=${encodeURIComponent(email)}`);
  };

  return (
    <form id="sign-up-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <Field id="sign-up-name" label="Name" name="name" autoComplete="name" required error={problem?.fields.name} />
      <Field id="sign-up-email" label="Email" name="email" type="email" autoComplete="username" required error={problem?.fields.email} />
      <Field id="sign-up-password" label="Password" name="password" type="password" autoComplete="new-password" required error={problem?.fields.password} />
      <button type="submit" disabled={busy}>
        Create account
      </button>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
