// Claim checks: what a verified caller must further hold for one request (a
// role, a claim with a given value). Each is a ClaimRequirement, checked with
// `assert`, which throws InsufficientScopeError (403 insufficient_scope) when
// the caller falls short. Nothing here knows about HTTP frameworks; the
// Express adapter wraps them as middleware.
import type { JWTPayload } from "jose";
import { InsufficientScopeError } from "./errors.js";
import type { Principal } from "./principal.js";

/** A value a claim can be compared with. */
export type ClaimValue = string | number | boolean | null;

/** What a caller must hold beyond a valid token. */
export interface ClaimRequirement {
  /** What the requirement asks for, in words (it is the refusal's description, safe to show the client). */
  readonly description: string;
  /** The roles it accepts, when it is a `requireRole` (for documentation such as OpenAPI). */
  readonly roles?: readonly string[];
  /** Returns when `principal` meets the requirement; throws InsufficientScopeError otherwise. */
  assert(principal: Principal): void;
}

/** A claim name as it may appear in a refusal's description. */
function named(claim: string): string {
  return JSON.stringify(claim.length > 64 ? `${claim.slice(0, 64)}...` : claim);
}

function requirement(reason: "role_not_allowed" | "claim_check_failed", description: string, test: (principal: Principal) => boolean, roles?: readonly string[]): ClaimRequirement {
  return Object.freeze({
    description,
    ...(roles ? { roles } : {}),
    assert(principal: Principal) {
      // Fail closed: a check that throws refuses, like one that says no.
      let allowed = false;
      try {
        allowed = test(principal) === true;
      } catch {
        allowed = false;
      }
      if (!allowed) throw new InsufficientScopeError(reason, description);
    },
  });
}

function nonEmpty<T>(values: readonly T[], what: string): readonly [T, ...T[]] {
  if (values.length === 0) throw new TypeError(`${what} needs at least one value: with none, no caller could ever pass.`);
  return Object.freeze([...values]) as unknown as readonly [T, ...T[]];
}

function checkClaimName(claim: string): void {
  if (typeof claim !== "string" || claim === "") throw new TypeError("Name the claim to check: a non-empty string.");
}

/**
 * The caller's `role` claim must be one of `roles` (compared exactly, with
 * case). A token without a role is refused too.
 *
 * @example
 * requireRole("moderator", "admin").assert(principal); // throws InsufficientScopeError for a "user"
 */
export function requireRole(...roles: readonly string[]): ClaimRequirement {
  const allowed = nonEmpty(roles, "requireRole");
  for (const role of allowed) if (typeof role !== "string" || role === "") throw new TypeError("requireRole takes role names: non-empty strings.");
  const description = `This request needs the role ${allowed.length === 1 ? `"${allowed[0]}"` : `"${allowed.slice(0, -1).join('", "')}" or "${allowed.at(-1)}"`}.`;
  return requirement("role_not_allowed", description, (principal) => principal.role !== undefined && allowed.includes(principal.role), allowed);
}

/**
 * The claim `claim` must equal `expected` (strictly: the same type and value).
 *
 * @example
 * claimEquals("email_verified", true)
 */
export function claimEquals(claim: string, expected: ClaimValue): ClaimRequirement {
  checkClaimName(claim);
  return requirement("claim_check_failed", `This request needs the claim ${named(claim)} to be ${JSON.stringify(expected)}.`, ({ claims }) =>
    Object.hasOwn(claims, claim) ? claims[claim] === expected : false,
  );
}

/**
 * The claim `claim` must include every one of `expected`: an array that
 * holds each, or a space-separated string (as `scope`, RFC 8693 section 4.2)
 * that names each.
 *
 * @example
 * claimIncludes("scope", "posts:write")
 * claimIncludes("groups", "editors", "reviewers")
 */
export function claimIncludes(claim: string, ...expected: readonly ClaimValue[]): ClaimRequirement {
  checkClaimName(claim);
  const wanted = nonEmpty(expected, "claimIncludes");
  const description = `This request needs the claim ${named(claim)} to include ${wanted.map((value) => JSON.stringify(value)).join(", ")}.`;
  return requirement("claim_check_failed", description, ({ claims }) => {
    const value = Object.hasOwn(claims, claim) ? claims[claim] : undefined;
    const held: readonly unknown[] = Array.isArray(value) ? value : typeof value === "string" ? value.split(" ").filter(Boolean) : [];
    return wanted.every((item) => held.includes(item));
  });
}

/**
 * Anything else: `check` decides from the verified claims (and the
 * principal). It must return `true` to allow; anything else, or a throw,
 * refuses.
 *
 * @example
 * claimCheck((claims) => typeof claims.org === "string" && claims.org.startsWith("acme-"), "This request needs an acme organisation.")
 */
export function claimCheck(check: (claims: Readonly<JWTPayload>, principal: Principal) => boolean, description = "The token's claims do not allow this request."): ClaimRequirement {
  if (typeof check !== "function") throw new TypeError("claimCheck needs a function that decides.");
  return requirement("claim_check_failed", description, (principal) => check(principal.claims, principal));
}
