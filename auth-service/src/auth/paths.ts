// Where the auth-service answers: Better Auth is mounted at AUTH_BASE_PATH,
// and every path below names one of its endpoints. The one place these are
// spelled: the app's routes and rate limits, the metrics' labels, the JWKS
// route and the discovery document use them, and so do the dev stack and the
// reliability harness, through "@authbridge/auth-service/paths".
export const AUTH_BASE_PATH = "/api/auth";
export const SIGN_IN_PATH = `${AUTH_BASE_PATH}/sign-in/email`;
export const SIGN_UP_PATH = `${AUTH_BASE_PATH}/sign-up/email`;
/** GET: an access token (JWT) for the session cookie. */
export const TOKEN_PATH = `${AUTH_BASE_PATH}/token`;
/** GET: the public keys (served by keys/routes.ts, not by Better Auth). */
export const JWKS_PATH = `${AUTH_BASE_PATH}/jwks`;
