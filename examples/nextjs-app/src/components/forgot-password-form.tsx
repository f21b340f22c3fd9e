"use client";
// Asks the auth-service to mail a reset link (Better Auth's
// requestPasswordReset). Its answer is the same whether or not the address
// has an account, and so is what this page says. The link leads to the
// auth-service, which checks the token and redirects to this app's
// /reset-password?token=... (`redirectTo`, on one of its trusted origins).
import { useState, type FormEvent } from "react";
import { authClient } from "../lib/auth-client";
import { hereAt, RESET_PASSWORD_PATH } from "../lib/mail-pages";
import { explainAuthError, type Explanation } from "../lib/messages";
import { Field } from "./fields";

export function ForgotPasswordForm() {
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [sent, setSent] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    setBusy(true);
    setProblem(null);
    setSent("");
    const { error } = await authClient.requestPasswordReset({ email, redirectTo: hereAt(RESET_PASSWORD_PATH) });
    setBusy(false);
    if (error) {
      setProblem(explainAuthError(error));
      return;
    }
    setSent(`If ${email} has an account, a reset link is on its way: check your inbox.`);
  };

  return (
    <form id="forgot-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <Field id="forgot-email" label="Email" name="email" type="email" autoComplete="username" required error={problem?.fields.email} />
      <button type="submit" disabled={busy}>
        Mail me a reset link
      </button>
      <p className="success" role="status">
        {sent}
      </p>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
