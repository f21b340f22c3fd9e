// The app's pages that the auth-service's mails lead back to. The links in
// the mails point at the auth-service, which verifies an address (or checks a
// reset token) and then redirects the browser to one of these absolute URLs:
// the auth-service follows only URLs on its trusted origins (CORS_ORIGINS),
// so the app's origin must be one of them.

/** Where a verification link lands once the address is verified (or with `?error=`). */
export const VERIFIED_PATH = "/verified";
/** Where a reset link lands, with `?token=` (or `?error=INVALID_TOKEN`). */
export const RESET_PASSWORD_PATH = "/reset-password";

/** An absolute URL of this app (in the browser: the origin the person uses). */
export const hereAt = (path: string) => new URL(path, window.location.origin).href;
