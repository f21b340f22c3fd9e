// Users made through the real HTTP APIs (ours and peer 2's are both Better Auth): sign up,
// sign in, keep the session cookie, and ask /api/auth/token for a bearer token.

export interface Account {
  email: string;
  /** The session cookie header (name=value; ...). */
  cookie: string;
}

const password = "a long bench passphrase, not a real one";

export async function signUpAndIn(baseUrl: string, email: string, name: string): Promise<Account> {
  // Better Auth refuses cookie-less POSTs from browsers without Origin; send it as a browser would.
  const headers = { "content-type": "application/json", origin: baseUrl };
  const signUp = await fetch(`${baseUrl}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ email, password, name }) });
  await signUp.arrayBuffer();
  if (!signUp.ok) throw new Error(`Signing up ${email} at ${baseUrl} failed with ${signUp.status}.`);
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify({ email, password }) });
  await signIn.arrayBuffer();
  const cookie = signIn.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");
  if (signIn.status !== 200 || !cookie) throw new Error(`Signing in ${email} at ${baseUrl} failed with ${signIn.status}.`);
  return { email, cookie };
}

/** GET /api/auth/token with the session cookie: a JWT and its subject. */
export async function fetchToken(baseUrl: string, account: Account): Promise<{ token: string; sub: string }> {
  const response = await fetch(`${baseUrl}/api/auth/token`, { headers: { cookie: account.cookie, origin: baseUrl } });
  const body = (await response.json()) as { token?: unknown };
  if (response.status !== 200 || typeof body.token !== "string") throw new Error(`GET ${baseUrl}/api/auth/token answered ${response.status}.`);
  const payload = JSON.parse(Buffer.from(body.token.split(".")[1] ?? "", "base64url").toString()) as { sub?: unknown };
  if (typeof payload.sub !== "string") throw new Error("The token has no sub.");
  return { token: body.token, sub: payload.sub };
}
