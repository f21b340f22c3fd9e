// The access token's claim set and type: the contract every verifier relies on.
//
//   sub             the user's id (set by Better Auth from the user)
//   email           the user's email address
//   email_verified  whether that address has been verified
//   name            the user's display name
//   sid             the id of the session the token was issued from
//   role            the user's role: "user", "moderator" or "admin" (roles.ts),
//                   as it was when the token was minted
//   iat, exp        issued-at and expiry (exp - iat = JWT_EXPIRES_IN_SECONDS)
//   iss, aud        BETTER_AUTH_URL and JWT_AUDIENCE from configuration
//
// Nothing else: never the whole user row, never anything secret. iss, aud, exp
// and iat are deliberately not returned here, because Better Auth lets the
// payload override them; they come from the plugin's configuration.

import { DEFAULT_ROLE, isRole, type Role } from "./roles.js";

export interface TokenUser {
  email: string;
  emailVerified: boolean;
  name: string;
  /** The admin plugin's column; anything but one role of the fixed set is never put in a token. */
  role?: string | null | undefined;
}

export interface TokenSession {
  id: string;
}

export interface CustomClaims {
  email: string;
  email_verified: boolean;
  name: string;
  sid: string;
  role: Role;
}

/**
 * The token's `typ` header (RFC 9068 section 2.1, RFC 8725 section 3.11): it
 * tells a verifier that this JWT is an access token, so no other JWT the same
 * keys may sign (an OIDC ID token, for one) can pass as one.
 */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** The exact, ordered list of claims a token carries. */
export const ACCESS_TOKEN_CLAIMS = ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "role", "sid", "sub"] as const;

/**
 * The role a token carries: the user's, when it is one of the fixed set.
 * Anything else (a value written to the database by hand, several roles
 * joined by commas) gets the least privileged role, never an unknown name
 * a verifier might match by mistake; the caller logs it (better-auth.ts).
 */
export function tokenRole(role: unknown): Role {
  return isRole(role) ? role : DEFAULT_ROLE;
}

export function customClaims(user: TokenUser, session: TokenSession): CustomClaims {
  return {
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    sid: session.id,
    role: tokenRole(user.role),
  };
}
