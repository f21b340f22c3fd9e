import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { createVerifier, VerifierConfigError, type Verifier } from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, b64url, expectAuthFailure, verifierFor } from "./helpers.js";

describe("token verification", () => {
  let issuer: TestIssuer;
  let verifier: Verifier;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    verifier = verifierFor(issuer, { cacheSize: 0 });
  });
  afterAll(() => issuer.stop());

  it("accepts a valid token and returns its principal", async () => {
    const token = await issuer.mint({ sub: "user-1", email: "ada@example.com", name: "Ada", sid: "s-1" });
    const principal = await verifier.verify(token);
    expect(principal).toEqual(
      expect.objectContaining({ sub: "user-1", email: "ada@example.com", emailVerified: true, name: "Ada", sid: "s-1" }),
    );
    expect(principal.claims.iss).toBe(issuer.issuer);
  });

  it.each([
    ["expired", { exp: now() - 60, iat: now() - 960 }, "token_expired", "expired"],
    ["not yet valid", { nbf: now() + 120 }, "token_invalid", "not_yet_valid"],
    ["issued in the future", { iat: now() + 120, exp: now() + 1000 }, "token_invalid", "issued_in_future"],
    ["from another issuer", { iss: "https://evil.example.net" }, "token_invalid", "wrong_issuer"],
    ["for another audience", { aud: "https://other-api.example.com" }, "token_invalid", "wrong_audience"],
    ["with a numeric sub", { sub: 42 }, "token_invalid", "invalid_claim"],
    ["with an empty sub", { sub: "" }, "token_invalid", "invalid_claim"],
  ])("refuses a token %s", async (_label, claims, code, reason) => {
    await expectAuthFailure(verifier.verify(await issuer.mint(claims)), 401, code, reason);
  });

  // PostgreSQL's text cannot hold NUL, and a lone surrogate (a JSON "\ud800"
  // escape) is not a character at all: a service storing the caller's profile
  // would fail on either. The signature proves who wrote the claims, not that
  // they are text.
  it.each([
    ["sub", "\u0000"],
    ["sub", "\ud800"],
    ["email", "ada\u0000@example.com"],
    ["email", "ada@example.com\udfff"],
    ["name", "Ada\u0000Lovelace"],
    ["name", "Ada \ud83d"],
    ["sid", "s\u0000"],
    ["sid", "\udc00s"],
  ])("refuses a token whose %s claim holds %j", async (claim, value) => {
    const error = await expectAuthFailure(verifier.verify(await issuer.mint({ [claim]: `user-${value}` })), 401, "token_invalid", "invalid_claim");
    expect(error.description).toContain(`"${claim}"`);
  });

  it("accepts claims with any well-formed text: astral characters, other control characters, noncharacters", async () => {
    const name = "Ada \u{1F600} \u0001\u001f\uffff \u202e";
    const principal = await verifier.verify(await issuer.mint({ sub: "user-\u{1F600}", name, email: "\u00e9@example.com" }));
    expect(principal).toEqual(expect.objectContaining({ sub: "user-\u{1F600}", name, email: "\u00e9@example.com" }));
  });

  it("tolerates a few seconds of clock skew, and not more", async () => {
    await expect(verifier.verify(await issuer.mint({ exp: now() - 3, iat: now() - 900 }))).resolves.toBeDefined();
    await expect(verifier.verify(await issuer.mint({ iat: now() + 3 }))).resolves.toBeDefined();
    await expectAuthFailure(verifier.verify(await issuer.mint({ exp: now() - 10, iat: now() - 900 })), 401, "token_expired", "expired");
  });

  it.each(["exp", "iat", "sub"])("requires the %s claim", async (claim) => {
    await expectAuthFailure(verifier.verify(await issuer.mint({}, { omit: [claim] })), 401, "token_invalid", claim === "sub" ? "missing_claim" : "missing_claim");
  });

  it("refuses a token older than the maximum age when one is set", async () => {
    const strict = verifierFor(issuer, { maxTokenAgeSeconds: 60, cacheSize: 0 });
    await expectAuthFailure(strict.verify(await issuer.mint({ iat: now() - 120 })), 401, "token_invalid", "too_old");
    await expect(strict.verify(await issuer.mint())).resolves.toBeDefined();
  });

  it("refuses a token signed with an algorithm outside the allow-list", async () => {
    const es256 = await startTestIssuer({ audience: AUDIENCE, algorithm: "ES256" });
    try {
      const token = await es256.mint({ iss: issuer.issuer });
      await expectAuthFailure(verifier.verify(token), 401, "token_invalid", "alg_not_allowed");
    } finally {
      await es256.stop();
    }
  });

  it("refuses alg none", async () => {
    const header = b64url({ alg: "none", kid: issuer.currentKey.kid });
    const payload = b64url({ sub: "u", iss: issuer.issuer, aud: AUDIENCE, iat: now(), exp: now() + 900 });
    await expectAuthFailure(verifier.verify(`${header}.${payload}.`), 401, "token_invalid", "malformed");
    await expectAuthFailure(verifier.verify(`${header}.${payload}.${b64url("x")}`), 401, "token_invalid", "alg_not_allowed");
  });

  it("refuses an HMAC token signed with the public key as the secret (algorithm confusion)", async () => {
    const header = b64url({ alg: "HS256", kid: issuer.currentKey.kid });
    const payload = b64url({ sub: "u", iss: issuer.issuer, aud: AUDIENCE, iat: now(), exp: now() + 900 });
    const secret = JSON.stringify(issuer.currentKey.publicJwk);
    const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
    await expectAuthFailure(verifier.verify(`${header}.${payload}.${signature}`), 401, "token_invalid", "alg_not_allowed");
  });

  it("refuses an unknown kid, a key from another key set, a tampered payload and a stripped signature", async () => {
    const foreign = await issuer.foreignKey();
    await expectAuthFailure(verifier.verify(await issuer.mint({}, { key: foreign })), 401, "token_invalid", "unknown_kid");
    await expectAuthFailure(
      verifier.verify(await issuer.mint({}, { key: foreign, header: { kid: issuer.currentKey.kid } })),
      401,
      "token_invalid",
      "bad_signature",
    );

    const [header, payload, signature] = (await issuer.mint({ sub: "user-1" })).split(".") as [string, string, string];
    const tampered = b64url({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "admin" });
    await expectAuthFailure(verifier.verify(`${header}.${tampered}.${signature}`), 401, "token_invalid", "bad_signature");
    await expectAuthFailure(verifier.verify(`${header}.${payload}.`), 401, "token_invalid", "malformed");
    await expectAuthFailure(verifier.verify(`${header}.${payload}`), 401, "token_invalid", "malformed");
  });

  it.each([
    ["jwk", { jwk: { kty: "OKP", crv: "Ed25519", x: "AAAA" } }],
    ["jku", { jku: "https://evil.example.net/jwks" }],
    ["x5u", { x5u: "https://evil.example.net/cert" }],
    ["x5c", { x5c: ["MIIB"] }],
  ])("refuses a token whose header brings its own key (%s)", async (_name, header) => {
    await expectAuthFailure(verifier.verify(await issuer.mint({}, { header })), 401, "token_invalid", "embedded_key");
  });

  it("refuses a token without a kid", async () => {
    const token = await new SignJWT({ sub: "u", iss: issuer.issuer, aud: AUDIENCE, iat: now(), exp: now() + 900 })
      .setProtectedHeader({ alg: "EdDSA" })
      .sign(issuer.currentKey.privateKey);
    await expectAuthFailure(verifier.verify(token), 401, "token_invalid", "missing_kid");
  });

  it("refuses what is not a strict compact JWS: padding, whitespace, garbage, oversize", async () => {
    const token = await issuer.mint();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    for (const bad of [`${header}=.${payload}.${signature}`, ` ${token}`, `${token}\n`, `${header}.${payload}.${signature}.x`, "not-a-token", "a.b.c", "..."]) {
      await expectAuthFailure(verifier.verify(bad), 401, "token_invalid", "malformed");
    }
    await expectAuthFailure(verifier.verify(await issuer.mint({ name: "x".repeat(5000) })), 401, "token_invalid", "too_large");
  });

  it("refuses dangerous configurations with a full sentence", () => {
    for (const algorithms of [["HS256"], ["none"], ["EdDSA", "hs512"]]) {
      expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, algorithms })).toThrow(VerifierConfigError);
    }
    expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, algorithms: ["HS256"] })).toThrow(/anyone who can verify a token can forge one/);
    expect(() => createVerifier({ issuer: issuer.issuer, audience: [] })).toThrow(/audience/);
  });

  it("remembers verified tokens, but never past exp", async () => {
    let clock = Date.now();
    const cached = verifierFor(issuer, { now: () => clock });
    const token = await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 60 });
    const first = await cached.verify(token);
    expect(await cached.verify(token)).toBe(first);
    clock += 70_000;
    await expectAuthFailure(cached.verify(token), 401, "token_expired", "expired");
  });

  it("refuses a token whose session was revoked, after every other check", async () => {
    const revoked = new Set(["s-revoked"]);
    const withRevocation = verifierFor(issuer, { isRevoked: (principal) => revoked.has(principal.sid ?? "") });
    await expectAuthFailure(withRevocation.verify(await issuer.mint({ sid: "s-revoked" })), 401, "token_invalid", "revoked");
    await expect(withRevocation.verify(await issuer.mint({ sid: "s-live" }))).resolves.toBeDefined();
  });
});
