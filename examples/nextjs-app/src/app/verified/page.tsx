// Where a verification link lands. The link itself points at the
// auth-service, which verifies the address, signs that browser in (on its own
// host) and redirects here; on a refused link it adds `?error=<code>`.
// Whether this app's session exists then depends on the sites (see the
// README's "Verify and reset"): the session bar says who is signed in, and
// the profile, which asks for a sign-in when needed, shows the token's
// `email_verified`.
import Link from "next/link";
import { verificationOutcome } from "../../lib/messages";

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export default async function Verified({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const error = first((await searchParams).error);
  return (
    <>
      <h1>Email verification</h1>
      {error ? (
        <p id="verification-result" className="form-error" role="alert">
          {verificationOutcome[error] ?? `This verification link was refused (${error}). Sign in and have a new one sent.`}
        </p>
      ) : (
        <p id="verification-result" className="success" role="status">
          Your email address is verified.
        </p>
      )}
      <p>
        See it on <Link href="/profile">your profile</Link> (you will be asked to sign in first if this browser is not signed in).
      </p>
    </>
  );
}
