// Where a reset link lands: the auth-service checked the token and redirected
// here with `?token=...` (or `?error=INVALID_TOKEN` for an unknown, used or
// expired one). The form sends the token with the new password.
import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "../../components/reset-password-form";
import { explainAuthError } from "../../lib/messages";

// The token is in this page's address: no Referer carries it anywhere.
export const metadata: Metadata = { referrer: "no-referrer" };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export default async function ResetPassword({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = first(params.token);
  const error = first(params.error);
  return (
    <>
      <h1>Choose a new password</h1>
      {token && !error ? (
        <ResetPasswordForm token={token} />
      ) : (
        <>
          <p id="reset-error" className="form-error" role="alert">
            {error ? explainAuthError({ status: 400, code: error }).message : "Open this page from the link in the reset mail."}
          </p>
          <p>
            <Link href="/forgot-password">Ask for a new reset link</Link>
          </p>
        </>
      )}
    </>
  );
}
