// Key rotation with an injected clock, on a real database: a new key is
// published before it signs, an old one stays published until its last token
// has expired, scheduled rotation creates the next key on time, and revocation
// takes a key out at once. A verifier following the JWKS never meets a token
// signed with a key it could not know. Rotation and revocation are the
// operator's commands (keys/operator.ts), on the same keys.
import { createTestDatabase, type TestDatabase } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { decodeProtectedHeader } from "jose";
import { createDatabase, type Database } from "../src/db.js";
import { createKeyStore } from "../src/keys/key-store.js";
import { keyOperator, type KeyOperator } from "../src/keys/operator.js";
import { createSigningKeys, type SigningKeys } from "../src/keys/signing-keys.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const policy = { publishAheadMs: 15 * MINUTE, rotationIntervalMs: 30 * DAY, retireAfterMs: 17 * MINUTE };

describe("signing key rotation", () => {
  let database: TestDatabase;
  let db: Database;
  let clock: number;
  let keys: SigningKeys;
  let operator: KeyOperator;

  beforeAll(async () => {
    database = await createTestDatabase("auth-service");
    db = createDatabase(database.url);
    clock = Date.parse("2026-01-01T00:00:00Z");
    const options = { store: createKeyStore(db, 0), secrets: ["rotation-test-secret-0123456789abcdef"] as const, algorithm: "EdDSA" as const, policy, now: () => clock };
    keys = createSigningKeys(options);
    operator = keyOperator(options, keys);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const kidOf = async () => decodeProtectedHeader(await keys.sign({ sub: "u", iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 })).kid;
  const published = async () => (await keys.jwks()).keys.map((key) => key.kid);

  it("signs with the first key at once", async () => {
    const first = await kidOf();
    expect(await published()).toEqual([first]);
  });

  it("publishes a rotated key before it signs, and retires the old one only after its tokens expired", async () => {
    clock += 1 * MINUTE;
    const old = await kidOf();
    const next = await operator.rotate();
    expect(await published()).toEqual([old, next]);
    clock += 14 * MINUTE;
    expect(await kidOf()).toBe(old);

    clock += 1 * MINUTE;
    expect(await kidOf()).toBe(next);
    expect(await published()).toEqual([old, next]);
    clock += 16 * MINUTE;
    expect(await published()).toEqual([old, next]);
    clock += 2 * MINUTE;
    expect(await published()).toEqual([next]);
  });

  it("creates the next key publish-ahead before the interval ends, and it takes over on time", async () => {
    const current = await kidOf();
    // The current key was created 15 + 16 + 2 minutes ago (the previous test).
    clock += 30 * DAY - 15 * MINUTE - 33 * MINUTE - 1 * MINUTE;
    await keys.ensureKey();
    expect(await published()).toEqual([current]);
    clock += 1 * MINUTE;
    await keys.ensureKey();
    const [, upcoming = ""] = await published();
    expect(upcoming).not.toBe("");
    expect(await kidOf()).toBe(current);
    clock += 15 * MINUTE;
    expect(await kidOf()).toBe(upcoming);
  });

  it("revokes a key at once, and an incident rotation signs at once", async () => {
    const compromised = (await kidOf()) ?? "";
    const replacement = await operator.rotate({ immediate: true });
    expect(await kidOf()).toBe(replacement);
    await operator.revoke(compromised);
    expect(await published()).not.toContain(compromised);
    expect(await kidOf()).toBe(replacement);
    expect((await operator.list()).find((key) => key.kid === compromised)?.state).toBe("expired");
  });
});
