// Better Auth's endpoints under the app's own origin: the browser calls
// /api/auth/* here, and this forwards each request to the auth-service and
// its answer back. So the session cookie is the app's own first-party,
// HttpOnly cookie, whatever site the auth-service lives on, and server
// components receive it with every page request (see the README).
//
// Only what Better Auth needs goes through: the method, the path and query,
// the body, and a few headers (the Origin, which the auth-service checks
// against its trusted origins; the cookies; the content type). Back come the
// status, the body and the headers a browser needs (Set-Cookie among them).
// X-Forwarded-For is not passed on: Next.js keeps a client's own value, which
// would let anyone pick their rate-limit bucket (README: "Rate limits").
import { loadConfig } from "../config";

const REQUEST_HEADERS = ["accept", "content-type", "cookie", "origin", "referer", "user-agent"];
const RESPONSE_HEADERS = ["content-type", "cache-control", "location", "retry-after", "set-auth-jwt", "www-authenticate"];
const TIMEOUT_MS = 15_000;

export async function forwardToAuthService(request: Request): Promise<Response> {
  const { authUrl } = loadConfig();
  const { pathname, search } = new URL(request.url);
  const headers = new Headers();
  for (const name of REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  let upstream: Response;
  try {
    upstream = await fetch(`${authUrl}${pathname}${search}`, {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer(),
      redirect: "manual",
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return problem(503, "auth_unavailable", "The auth-service could not be reached. Try again in a moment.");
  }
  const answer = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value !== null) answer.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) answer.append("set-cookie", cookie);
  // Tokens and sessions must not sit in a browser's or a proxy's cache.
  if (!answer.has("cache-control")) answer.set("cache-control", "no-store");
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: answer });
}

function problem(status: number, code: string, detail: string): Response {
  return Response.json({ type: "about:blank", title: "Service Unavailable", status, code, detail }, { status, headers: { "content-type": "application/problem+json", "retry-after": "5" } });
}
