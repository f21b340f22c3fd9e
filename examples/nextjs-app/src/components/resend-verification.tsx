"use client";
// "Check your inbox", and a button that has the verification mail sent again
// (Better Auth's sendVerificationEmail). The auth-service answers the same for
// any address, so this says nothing about which addresses have accounts.
import { useState } from "react";
import { authClient } from "../lib/auth-client";
import { hereAt, VERIFIED_PATH } from "../lib/mail-pages";
import { explainAuthError } from "../lib/messages";

export function ResendVerification({ email, intro }: { email: string; intro: string }) {
  const [status, setStatus] = useState(intro);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const resend = async () => {
    setBusy(true);
    setError("");
    const { error: refused } = await authClient.sendVerificationEmail({ email, callbackURL: hereAt(VERIFIED_PATH) });
    setBusy(false);
    if (refused) {
      setError(explainAuthError(refused).message);
      return;
    }
    setStatus(`Sent again: check your inbox for a new link to verify ${email}.`);
  };

  return (
    <div id="check-inbox">
      <p className="success" role="status">
        {status}
      </p>
      <button type="button" onClick={() => void resend()} disabled={busy || !email}>
        Send the verification mail again
      </button>
      <p className="form-error" role="alert">
        {error}
      </p>
    </div>
  );
}
