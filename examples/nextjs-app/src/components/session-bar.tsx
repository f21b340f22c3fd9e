"use client";
// Who is signed in (Better Auth's session, from useSession), the current
// token's expiry, and sign-out; or the links to sign in and up.
import Link from "next/link";
import { useEffect, useState } from "react";
import { authClient } from "../lib/auth-client";
import { explainAuthError } from "../lib/messages";
import { useSessionApi } from "./api-provider";

export function SessionBar() {
  const { data, isPending } = authClient.useSession();
  const { notice, signOut: endSession } = useSessionApi();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const signOut = async () => {
    setBusy(true);
    setError("");
    const { error: refused } = await endSession();
    setBusy(false);
    if (refused) {
      setError(explainAuthError(refused).message);
      return;
    }
    // A full page load: nothing rendered for the session (nor its token, in memory) survives it.
    window.location.assign("/");
  };

  return (
    <div className="session-bar">
      {notice && (
        <p id="notice" role="alert">
          {notice}
        </p>
      )}
      {isPending ? (
        <span id="whoami" aria-busy="true">
          Checking your session…
        </span>
      ) : data ? (
        <>
          <span id="whoami">
            Signed in as {data.user.name} ({data.user.email})
          </span>
          <TokenStatus />
          <button type="button" onClick={() => void signOut()} disabled={busy}>
            Sign out
          </button>
        </>
      ) : (
        <>
          <span id="whoami">Not signed in</span>
          <Link href="/sign-in">Sign in</Link>
          <Link href="/sign-up">Create an account</Link>
        </>
      )}
      {error && <p className="form-error">{error}</p>}
    </div>
  );
}

/** The token's remaining lifetime, ticking, and how often it was renewed. */
function TokenStatus() {
  const { token } = useSessionApi();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (!token.times) return <span className="token-status">no token yet</span>;
  const left = Math.max(0, Math.round((token.times.expiresAt - now) / 1000));
  return (
    <span className="token-status">
      token expires in <span id="token-expires">{`${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`}</span>, renewed{" "}
      <span id="token-renewals">{token.renewals}</span> {token.renewals === 1 ? "time" : "times"}
    </span>
  );
}
