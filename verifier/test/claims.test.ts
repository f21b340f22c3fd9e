// The claim checks of the core (no HTTP): requireRole, claimEquals,
// claimIncludes and claimCheck, on principals made from real verified tokens.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { claimCheck, claimEquals, claimIncludes, InsufficientScopeError, requireRole, type ClaimRequirement, type Principal, type Verifier } from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { bearer, verifierFor } from "./helpers.js";
import { AUDIENCE } from "./helpers.js";

describe("the claim checks", () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  const principal = async (claims: Record<string, unknown> = {}): Promise<Principal> => verifier.authenticate(bearer(await issuer.mint(claims)));

  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    verifier = verifierFor(issuer);
  });
  afterAll(() => issuer.stop());

  function expectRefused(requirement: ClaimRequirement, caller: Principal, reason: string): void {
    let thrown: unknown;
    try {
      requirement.assert(caller);
    } catch (error: unknown) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InsufficientScopeError);
    const error = thrown as InsufficientScopeError;
    expect({ status: error.status, code: error.code, reason: error.reason, bearerError: error.bearerError, detail: error.description }).toEqual({
      status: 403,
      code: "insufficient_scope",
      reason,
      bearerError: "insufficient_scope",
      detail: requirement.description,
    });
  }

  it("reads the role claim onto the principal", async () => {
    expect((await principal({ role: "moderator" })).role).toBe("moderator");
    expect((await principal({ role: undefined })).role).toBeUndefined();
    expect((await principal({ role: 7 })).role).toBeUndefined();
  });

  it("requireRole accepts a caller whose role is one of those named, exactly", async () => {
    const moderation = requireRole("moderator", "admin");
    expect(moderation.roles).toEqual(["moderator", "admin"]);
    expect(moderation.description).toBe('This request needs the role "moderator" or "admin".');
    expect(() => moderation.assert(principalWith("admin"))).not.toThrow();
    moderation.assert(await principal({ role: "moderator" }));
    expectRefused(moderation, await principal({ role: "user" }), "role_not_allowed");
    expectRefused(moderation, await principal({ role: "Admin" }), "role_not_allowed");
    expectRefused(moderation, await principal({ role: undefined }), "role_not_allowed");
    // A role claim that is not a string (an array that holds the role) is not that role.
    expectRefused(moderation, await principal({ role: ["admin"] }), "role_not_allowed");
    expect(requireRole("admin").description).toBe('This request needs the role "admin".');
  });

  it("claimEquals compares strictly, and a missing claim never equals anything, null included", async () => {
    expect(() => claimEquals("email_verified", true).assert(principalWith("user"))).not.toThrow();
    expectRefused(claimEquals("email_verified", true), await principal({ email_verified: "true" }), "claim_check_failed");
    expectRefused(claimEquals("email_verified", true), await principal({ email_verified: false }), "claim_check_failed");
    expectRefused(claimEquals("org", null), await principal(), "claim_check_failed");
    claimEquals("org", null).assert(await principal({ org: null }));
    // Inherited properties are not claims.
    expectRefused(claimEquals("constructor", "x"), await principal(), "claim_check_failed");
  });

  it("claimIncludes reads arrays and space-separated strings, and needs every value", async () => {
    const writer = claimIncludes("scope", "posts:read", "posts:write");
    writer.assert(await principal({ scope: "posts:read openid posts:write" }));
    writer.assert(await principal({ scope: ["posts:write", "posts:read"] }));
    expectRefused(writer, await principal({ scope: "posts:read" }), "claim_check_failed");
    expectRefused(writer, await principal({ scope: "posts:read,posts:write" }), "claim_check_failed");
    expectRefused(writer, await principal(), "claim_check_failed");
    expectRefused(writer, await principal({ scope: { "posts:read": true, "posts:write": true } }), "claim_check_failed");
  });

  it("claimCheck allows on true only: false, a truthy non-boolean and a throw all refuse", async () => {
    const caller = await principal({ org: "acme-labs" });
    claimCheck((claims) => typeof claims.org === "string" && claims.org.startsWith("acme-")).assert(caller);
    expectRefused(claimCheck(() => false, "Only acme."), caller, "claim_check_failed");
    expectRefused(claimCheck(() => 1 as unknown as boolean), caller, "claim_check_failed");
    expectRefused(
      claimCheck(() => {
        throw new Error("boom");
      }),
      caller,
      "claim_check_failed",
    );
    expect(claimCheck(() => false).description).toBe("The token's claims do not allow this request.");
    expect(claimCheck(() => false, "Only acme.").description).toBe("Only acme.");
  });

  it("refuses requirements that no caller could ever meet, when they are made", () => {
    expect(() => requireRole()).toThrow(TypeError);
    expect(() => requireRole("")).toThrow(TypeError);
    expect(() => claimIncludes("scope")).toThrow(TypeError);
    expect(() => claimEquals("", true)).toThrow(TypeError);
    expect(() => claimCheck(undefined as unknown as () => boolean)).toThrow(TypeError);
  });
});

/** A principal without a token, for the allow cases that need none. */
function principalWith(role: string): Principal {
  const claims = { sub: "user-1", role, email_verified: true };
  return { sub: "user-1", email: undefined, emailVerified: true, name: undefined, sid: undefined, role, claims };
}
