import { afterEach, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { createKeySet, maxAge, type VerifierLogger } from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, expectAuthFailure, verifierFor } from "./helpers.js";

function recordingLogger(): VerifierLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_details, message) => lines.push(`info ${message}`), warn: (_details, message) => lines.push(`warn ${message}`) };
}

describe("the key set (JWKS cache)", () => {
  let issuer: TestIssuer;
  afterEach(() => issuer?.stop());

  it("reads Cache-Control", () => {
    expect(maxAge("public, max-age=300")).toBe(300);
    expect(maxAge("no-store")).toBe(0);
    expect(maxAge("public")).toBeUndefined();
    expect(maxAge(null)).toBeUndefined();
  });

  it("picks up a rotated key without a restart", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const verifier = verifierFor(issuer, { keys: { cooldownMs: 0 } });
    await verifier.verify(await issuer.mint());
    await issuer.rotate();
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
    expect(issuer.jwksRequests).toBe(2);
  });

  it("fetches at most once per cooldown however many unknown kids arrive, concurrently or not", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    let clock = Date.now();
    const verifier = verifierFor(issuer, { cacheSize: 0, now: () => clock, keys: { cooldownMs: 30_000 } });
    await verifier.verify(await issuer.mint());
    const foreign = await issuer.foreignKey();
    const flood = await Promise.all(Array.from({ length: 200 }, () => issuer.mint({}, { key: foreign, header: { kid: randomBytes(8).toString("hex") } })));

    clock += 31_000;
    const results = await Promise.allSettled(flood.map((token) => verifier.verify(token)));
    expect(results.every((result) => result.status === "rejected")).toBe(true);
    expect(issuer.jwksRequests).toBe(2);

    for (const token of flood.slice(0, 50)) await expectAuthFailure(verifier.verify(token), 401, "token_invalid", "unknown_kid");
    expect(issuer.jwksRequests).toBe(2);
    clock += 31_000;
    await expectAuthFailure(verifier.verify(flood[0] as string), 401, "token_invalid", "unknown_kid");
    expect(issuer.jwksRequests).toBe(3);
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
  });

  it("keeps verifying with known keys while the issuer is down (stale-if-error), logs it once, and recovers", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE, jwksMaxAgeSeconds: 60 });
    let clock = Date.now();
    const logger = recordingLogger();
    const verifier = verifierFor(issuer, { cacheSize: 0, logger, now: () => clock, keys: { cooldownMs: 30_000, staleIfErrorMs: 600_000 } });
    const valid = await issuer.mint();
    await verifier.verify(valid);

    issuer.setDown(true);
    const unknown = await issuer.mint({}, { key: await issuer.foreignKey() });
    for (let minute = 1; minute <= 5; minute += 1) {
      clock += 60_000;
      const fresh = await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 });
      await expect(verifier.verify(fresh)).resolves.toBeDefined();
      // An unknown kid while the issuer cannot be asked may be a key created since: 503, never "signed out".
      await expectAuthFailure(verifier.verify(unknown), 503, "auth_unavailable", "keys_unavailable");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(verifier.keySet.stats().degraded).toBe(true);
    expect(verifier.keySet.stats().fetches).toBeLessThanOrEqual(1 + 5);
    expect(logger.lines.filter((line) => line.startsWith("warn"))).toHaveLength(1);

    issuer.setDown(false);
    const rotated = await issuer.rotate();
    clock += 60_000;
    const afterRotation = await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 });
    await expect(verifier.verify(afterRotation)).resolves.toBeDefined();
    expect(verifier.keySet.has(rotated.kid)).toBe(true);
    expect(verifier.keySet.stats().degraded).toBe(false);
    await expectAuthFailure(verifier.verify(unknown), 401, "token_invalid", "unknown_kid");
    expect(logger.lines.filter((line) => line.startsWith("info"))).toEqual(["info the issuer's JWKS is reachable again"]);
  });

  it("stops trusting stale keys once stale-if-error has run out, with 503 auth_unavailable", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE, jwksMaxAgeSeconds: 60 });
    let clock = Date.now();
    const verifier = verifierFor(issuer, { cacheSize: 0, now: () => clock, keys: { cooldownMs: 30_000, staleIfErrorMs: 120_000 } });
    await verifier.verify(await issuer.mint());
    issuer.setDown(true);
    clock += 60_000 + 120_000 + 1_000;
    const token = await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 });
    await expectAuthFailure(verifier.verify(token), 503, "auth_unavailable", "keys_unavailable");
  });

  it("answers 503 auth_unavailable when the issuer has never been reachable, without hammering it", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    issuer.setDown(true);
    const verifier = verifierFor(issuer, { keys: { cooldownMs: 60_000 } });
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await expectAuthFailure(verifier.verify(await issuer.mint()), 503, "auth_unavailable", "keys_unavailable");
    }
    expect(verifier.keySet.stats().fetches + verifier.keySet.stats().failures).toBeLessThanOrEqual(2);
  });

  it("drops cached verdicts when their key is unpublished", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    let clock = Date.now();
    const verifier = verifierFor(issuer, { now: () => clock, keys: { cooldownMs: 1_000 } });
    const old = issuer.currentKey;
    const token = await issuer.mint();
    await verifier.verify(token);
    await issuer.rotate();
    issuer.unpublish(old.kid);
    clock += 2_000;
    await verifier.verify(await issuer.mint());
    await expectAuthFailure(verifier.verify(token), 401, "token_invalid", "unknown_kid");
  });

  it("ignores JWKS entries with private material, other algorithms or another use; refuses a discovery document for another issuer", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const body = {
      keys: [
        { ...issuer.currentKey.publicJwk, d: "private" },
        { ...issuer.currentKey.publicJwk, kid: "enc", use: "enc" },
        { kty: "oct", k: "c2VjcmV0", kid: "hmac", alg: "HS256" },
      ],
    };
    const fake = (async () => new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } })) as typeof fetch;
    const logger = recordingLogger();
    const keySet = createKeySet({ issuer: issuer.issuer, jwksUri: issuer.jwksUri, algorithms: ["EdDSA"], fetch: fake, logger });
    await expectAuthFailure(keySet.getKey(issuer.currentKey.kid, "EdDSA"), 401, "token_invalid", "unknown_kid");
    expect(keySet.stats().kids).toEqual([]);
    expect(logger.lines).toContain("warn ignoring a JWKS entry that carries private key material");

    const wrongIssuer = createKeySet({ issuer: "https://not-this-one.example.com", algorithms: ["EdDSA"], fetch: (async () => Response.json({ issuer: "https://other.example.com", jwks_uri: issuer.jwksUri })) as typeof fetch });
    await expectAuthFailure(wrongIssuer.getKey("k", "EdDSA"), 503, "auth_unavailable", "keys_unavailable");
  });
});
