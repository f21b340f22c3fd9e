// Next.js 16's proxy (the file Next.js 15 called middleware.ts): signed-out
// visitors of a protected page are sent to sign in, and come back after.
//
// It only looks for Better Auth's session cookie, without asking the
// auth-service: it runs before every protected page, and a cookie can be
// stale (expired, signed out elsewhere). So each protected page checks the
// session for real on the server as well (requireUser in lib/server/session.ts),
// and this is a fast first answer, never the only gate.
import { getSessionCookie } from "better-auth/cookies";
import { NextResponse, type NextRequest } from "next/server";

export function proxy(request: NextRequest) {
  if (getSessionCookie(request)) return NextResponse.next();
  const signIn = new URL("/sign-in", request.url);
  signIn.searchParams.set("next", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: ["/profile", "/posts", "/posts/:path*"],
};
