// The signed-in user, and the resource-service on their behalf, for server
// components. The browser's session cookie (HttpOnly, first-party: see the
// README) arrives with the page request; the server forwards Better Auth's
// cookies, and only those, to the auth-service: for the session, and for a
// token that lives as long as this one render. The token never reaches the
// browser: it is used here and forgotten, not put in the page or a cookie.
import { ApiClient, errorFromResponse } from "@authbridge/client";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { loadConfig } from "../config";

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

/** Better Auth's cookies are named `better-auth.*` (`__Secure-better-auth.*` over https). */
const BETTER_AUTH_COOKIE = /^(__Secure-)?better-auth\./;

/** The request's Better Auth cookies as a Cookie header ("" without any). */
async function authCookies(): Promise<string> {
  const header = (await headers()).get("cookie") ?? "";
  return header
    .split(/;\s*/)
    .filter((pair) => BETTER_AUTH_COOKIE.test(pair))
    .join("; ");
}

/** The signed-in user, or null: asked of the auth-service once per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const cookie = await authCookies();
  if (!cookie) return null;
  const { authUrl } = loadConfig();
  const response = await fetch(`${authUrl}/api/auth/get-session`, {
    headers: { cookie, accept: "application/json" },
    cache: "no-store",
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw await errorFromResponse(response);
  const body = (await response.json()) as { user?: SessionUser } | null;
  return body?.user ? { id: body.user.id, name: body.user.name, email: body.user.email } : null;
});

/** The signed-in user; a signed-out visitor is sent to sign in, and back here afterwards. */
export async function requireUser(path: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return user;
}

/**
 * The resource-service as the signed-in user: the client gets its token from
 * the auth-service with the forwarded cookies. One client per request, so a
 * token never outlives the render or serves another user.
 */
export async function apiAsUser(): Promise<ApiClient> {
  const cookie = await authCookies();
  const { apiUrl, authUrl } = loadConfig();
  return new ApiClient({ apiUrl, authUrl, authHeaders: () => ({ cookie }) });
}

/** The resource-service as an anonymous visitor (public posts, public profiles). */
export function apiAnonymous(): ApiClient {
  const { apiUrl, authUrl } = loadConfig();
  return new ApiClient({ apiUrl, authUrl, session: false });
}
