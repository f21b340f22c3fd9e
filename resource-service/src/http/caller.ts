import type { Principal } from "@authbridge/verifier";

/** The principal of a route behind requireAuth. */
export function caller(req: { auth?: Principal }): Principal {
  if (!req.auth) throw new Error("caller() used on a route without requireAuth");
  return req.auth;
}
