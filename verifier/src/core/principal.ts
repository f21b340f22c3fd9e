// The authenticated caller, made from a verified token's claims. This is the
// one place that reads the claim set the auth-service documents (sub, email,
// email_verified, name, sid): the Pact contract between the services pins it.
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
  /** Every verified claim, as issued. */
  claims: Readonly<JWTPayload>;
}

const optionalString = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Turns verified claims into a principal; throws InvalidTokenError when `sub` is unusable. */
export function claimsToPrincipal(claims: JWTPayload): Principal {
  const { sub } = claims;
  if (typeof sub !== "string" || sub.trim() === "" || sub.length > 255) {
    throw new InvalidTokenError("invalid_claim", "The token's subject (sub) must be a non-empty string.");
  }
  return {
    sub,
    email: optionalString(claims.email),
    emailVerified: claims.email_verified === true,
    name: optionalString(claims.name),
    sid: optionalString(claims.sid),
    claims: Object.freeze({ ...claims }),
  };
}
