// The authenticated caller, made from a verified token's claims. This is the
// one place that reads the claim set the auth-service documents (sub, email,
// email_verified, name, sid, role): the Pact contract between the services pins it.
import type { JWTPayload } from "jose";
import { InvalidTokenError } from "./errors.js";

export interface Principal {
  /** The user's id (the token's `sub`). */
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
  /** The auth-service session the token was issued from. */
  sid: string | undefined;
  /**
   * The caller's role (the `role` claim: "user", "moderator" or "admin" from
   * the auth-service), as the token was issued: a role changed since shows
   * in the next token. `requireRole` checks it.
   */
  role: string | undefined;
  /** Every verified claim, as issued. */
  claims: Readonly<JWTPayload>;
}

/**
 * NUL, or a UTF-16 surrogate without its pair. PostgreSQL's text cannot hold
 * NUL, and a lone surrogate (which JSON can carry as a "\ud800" escape) is not
 * a character at all: it cannot be encoded as UTF-8.
 */
const NOT_TEXT = /[\u0000\p{Cs}]/u;

/** The string claims a principal carries, checked the same way. */
function textClaim(claims: JWTPayload, name: "sub" | "email" | "name" | "sid" | "role"): string | undefined {
  const value = claims[name];
  if (typeof value !== "string" || value === "") return undefined;
  // A signature proves who wrote the claims, not that they are text a service can store.
  if (NOT_TEXT.test(value)) {
    throw new InvalidTokenError("invalid_claim", `The token's "${name}" claim holds a NUL character or an unpaired surrogate.`);
  }
  return value;
}

/**
 * Turns verified claims into a principal. Throws InvalidTokenError when `sub`
 * is unusable, or when `sub`, `email`, `name`, `sid` or `role` holds something that is
 * not text (NUL, an unpaired surrogate).
 */
export function claimsToPrincipal(claims: JWTPayload): Principal {
  const sub = textClaim(claims, "sub");
  if (sub === undefined || sub.trim() === "" || sub.length > 255) {
    throw new InvalidTokenError("invalid_claim", "The token's subject (sub) must be a non-empty string.");
  }
  return {
    sub,
    email: textClaim(claims, "email"),
    emailVerified: claims.email_verified === true,
    name: textClaim(claims, "name"),
    sid: textClaim(claims, "sid"),
    role: textClaim(claims, "role"),
    claims: Object.freeze({ ...claims }),
  };
}
