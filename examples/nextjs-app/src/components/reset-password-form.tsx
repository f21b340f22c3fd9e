"use client";
// The new password, with the token from the reset link (Better Auth's
// resetPassword). The token leaves the address bar at once (history, a
// shared screen). A password the policy refuses is said next to the field and
// leaves the token usable; a used or expired token is said in words. A reset
// ends every session of the account, so the next step is signing in.
import { useEffect, useState, type FormEvent } from "react";
import { authClient } from "../lib/auth-client";
import { RESET_PASSWORD_PATH } from "../lib/mail-pages";
import { explainAuthError, type Explanation } from "../lib/messages";
import { Field } from "./fields";

export function ResetPasswordForm({ token }: { token: string }) {
  const [problem, setProblem] = useState<Explanation | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    window.history.replaceState(null, "", RESET_PASSWORD_PATH);
  }, []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const { error } = await authClient.resetPassword({ token, newPassword: String(new FormData(event.currentTarget).get("password")) });
    setBusy(false);
    if (error) {
      setProblem(explainAuthError(error));
      return;
    }
    window.location.assign("/sign-in?reset=1");
  };

  return (
    <form id="reset-form" onSubmit={(event) => void submit(event)} aria-busy={busy}>
      <Field id="reset-password" label="New password" name="password" type="password" autoComplete="new-password" required error={problem?.fields.password} />
      <button type="submit" disabled={busy}>
        Set the new password
      </button>
      <p className="form-error" role="alert">
        {problem?.message ?? ""}
      </p>
    </form>
  );
}
