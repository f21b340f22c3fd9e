// Explicit typing (RFC 8725 section 3.11, RFC 9068 section 2.1): an access
// token says `typ: at+jwt`, and a verifier refuses any other JWT the same keys
// sign (an ID token, a logout token, a session-cache JWT), even when its
// issuer, audience and signature are right.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { decodeProtectedHeader } from "jose";
import { createVerifier, VerifierConfigError, type Verifier } from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, expectAuthFailure, verifierFor } from "./helpers.js";

describe("token type (typ)", () => {
  let issuer: TestIssuer;
  let strict: Verifier;
  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    strict = verifierFor(issuer, { cacheSize: 0 });
  });
  afterAll(() => issuer.stop());

  it("the test issuer mints at+jwt, as the auth-service does, and a test can change or drop it", async () => {
    expect(decodeProtectedHeader(await issuer.mint())).toEqual({ alg: "EdDSA", kid: issuer.currentKey.kid, typ: "at+jwt" });
    expect(decodeProtectedHeader(await issuer.mint({}, { header: { typ: "JWT" } })).typ).toBe("JWT");
    expect(decodeProtectedHeader(await issuer.mint({}, { header: { typ: undefined } }))).toEqual({ alg: "EdDSA", kid: issuer.currentKey.kid });
  });

  it.each(["at+jwt", "AT+JWT", "application/at+jwt", "Application/AT+jwt"])("accepts typ %j (media types compare without case, application/ optional)", async (typ) => {
    await expect(strict.verify(await issuer.mint({ sub: "user-1" }, { header: { typ } }))).resolves.toEqual(expect.objectContaining({ sub: "user-1" }));
  });

  it.each([
    ["no typ", undefined],
    ["a logout token", "logout+jwt"],
    ["a plain JWT", "JWT"],
    ["an ID token's application/jwt", "application/jwt"],
    ["Better Auth's session-cache JWT", "better-auth.session-cache+jwt"],
    ["another top-level type", "text/at+jwt"],
    ["a suffix only", "at+jwt2"],
    ["a number", 1],
  ])("refuses %s by default", async (_label, typ) => {
    const error = await expectAuthFailure(strict.verify(await issuer.mint({}, { header: { typ } })), 401, "token_invalid", "wrong_type");
    expect(error.description).toBe('The token is not an access token: its type (typ) must be "at+jwt".');
  });

  it("checks the type before fetching any key: a mistyped token with an unknown kid costs no JWKS request", async () => {
    const before = issuer.jwksRequests;
    const foreign = await issuer.foreignKey();
    await expectAuthFailure(strict.verify(await issuer.mint({}, { key: foreign, header: { typ: "logout+jwt" } })), 401, "token_invalid", "wrong_type");
    expect(issuer.jwksRequests).toBe(before);
  });

  describe("acceptUntypedTokens (a rolling upgrade from an issuer that did not type its tokens)", () => {
    let transitional: Verifier;
    beforeAll(() => {
      transitional = verifierFor(issuer, { cacheSize: 0, acceptUntypedTokens: true });
    });

    it("accepts a token without typ, and a typed access token", async () => {
      await expect(transitional.verify(await issuer.mint({ sub: "old" }, { header: { typ: undefined } }))).resolves.toEqual(expect.objectContaining({ sub: "old" }));
      await expect(transitional.verify(await issuer.mint({ sub: "new" }))).resolves.toEqual(expect.objectContaining({ sub: "new" }));
    });

    it.each(["logout+jwt", "JWT", "", 1])("still refuses a token typed %j", async (typ) => {
      await expectAuthFailure(transitional.verify(await issuer.mint({}, { header: { typ } })), 401, "token_invalid", "wrong_type");
    });
  });

  it("takes another type when configured, in either spelling", async () => {
    const custom = verifierFor(issuer, { cacheSize: 0, tokenType: "application/example+jwt" });
    await expect(custom.verify(await issuer.mint({}, { header: { typ: "example+jwt" } }))).resolves.toBeDefined();
    await expectAuthFailure(custom.verify(await issuer.mint()), 401, "token_invalid", "wrong_type");
  });

  it("refuses a type that is not a media type, with a full sentence", () => {
    for (const tokenType of ["", "at jwt", "at+jwt; charset=utf-8", "a/b/c"]) {
      expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, tokenType })).toThrow(VerifierConfigError);
    }
    expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, tokenType: "" })).toThrow(
      'The token type must be a media type such as "at+jwt" or "application/at+jwt", but it is "".',
    );
  });
});
