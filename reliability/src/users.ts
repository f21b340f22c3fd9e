// Users of a fleet: signed up and in at an auth-service instance, each from an
// address of its own (X-Forwarded-For, which the fleet's instances trust from
// loopback), so setting up many users never trips the per-address limits.
import { randomBytes } from "node:crypto";
import { SIGN_IN_PATH, SIGN_UP_PATH, TOKEN_PATH } from "@authbridge/auth-service/paths";

export const PASSWORD = "correct horse battery staple";

let sequence = 0;

/** A private address unique within this process (each fleet counts in Redis under a prefix of its own). */
export function clientAddress(): string {
  sequence += 1;
  return `10.${(sequence >> 16) & 255}.${(sequence >> 8) & 255}.${sequence & 255}`;
}

export interface FleetUser {
  email: string;
  cookie: string;
  address: string;
}

/** The headers a browser at the issuer's origin sends to the auth-service. */
export function authHeaders(issuer: string, user?: Pick<FleetUser, "cookie" | "address">): Record<string, string> {
  return {
    origin: issuer,
    ...(user ? { cookie: user.cookie, "x-forwarded-for": user.address } : {}),
  };
}

/** Signs a new user up and in at `authUrl` (one instance); returns the session. */
export async function signUpUser(authUrl: string, issuer: string, prefix = "user"): Promise<FleetUser> {
  const email = `${prefix}.${randomBytes(6).toString("hex")}@example.com`;
  const address = clientAddress();
  const headers = { ...authHeaders(issuer), "content-type": "application/json", "x-forwarded-for": address };
  const signUp = await fetch(`${authUrl}${SIGN_UP_PATH}`, { method: "POST", headers, body: JSON.stringify({ email, name: "Fleet User", password: PASSWORD }) });
  await signUp.body?.cancel();
  if (signUp.status !== 200) throw new Error(`sign-up at ${authUrl} answered ${signUp.status}`);
  const signIn = await fetch(`${authUrl}${SIGN_IN_PATH}`, { method: "POST", headers, body: JSON.stringify({ email, password: PASSWORD }) });
  await signIn.body?.cancel();
  if (signIn.status !== 200) throw new Error(`sign-in at ${authUrl} answered ${signIn.status}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  return { email, cookie, address };
}

/** A fresh access token for `user` from `authUrl` (any instance). */
export async function fetchToken(authUrl: string, issuer: string, user: FleetUser): Promise<string> {
  const response = await fetch(`${authUrl}${TOKEN_PATH}`, { headers: authHeaders(issuer, user) });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`the token endpoint at ${authUrl} answered ${response.status}`);
  }
  return ((await response.json()) as { token: string }).token;
}

/** The `kid` in a token's header. */
export function tokenKid(token: string): string {
  const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString()) as { kid?: string };
  return header.kid ?? "";
}
