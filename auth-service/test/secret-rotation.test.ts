// Rotating BETTER_AUTH_SECRET, which encrypts the private signing keys, by
// the documented procedure: never a 500, the signing key survives, and a
// wrong secret stops the start with a sentence an operator can act on.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createTestDatabase, type TestDatabase } from "@authbridge/devstack/testing";
import { decodeProtectedHeader } from "jose";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDatabase } from "../src/db.js";
import { createKeyStore } from "../src/keys/key-store.js";
import { signingUnavailable } from "../src/http/problems.js";
import { keyOperator } from "../src/keys/operator.js";
import { createSigningKeys, SigningKeyError, signingKeysOptions } from "../src/keys/signing-keys.js";
import { configErrorMessage } from "@authbridge/devstack/testing";
import { ConfigError, loadConfig } from "../src/config.js";
import { Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const OLD = "old-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
const NEW = "new-secret-9876543210-zyxwvutsrqponmlkjihgfedcba";

async function tokenKid(running: RunningAuthService): Promise<{ kid: string; browser: Browser }> {
  const browser = new Browser(running.url);
  const email = uniqueEmail("rotate");
  await browser.signUp(email);
  expect((await browser.signIn(email)).status).toBe(200);
  const response = await browser.request("/api/auth/token");
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  return { kid: String(decodeProtectedHeader(token).kid), browser };
}

function keysCli(database: TestDatabase, secret: string, previous: string | undefined, ...args: string[]) {
  const cli = fileURLToPath(new URL("../src/cli/keys.ts", import.meta.url));
  const result = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", cli, ...args], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      BETTER_AUTH_SECRET: secret,
      ...(previous ? { BETTER_AUTH_PREVIOUS_SECRETS: previous } : {}),
      BETTER_AUTH_URL: "http://127.0.0.1:4000",
      JWT_AUDIENCE: "http://localhost:4001",
    },
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("BETTER_AUTH_PREVIOUS_SECRETS", () => {
  const base = { DATABASE_URL: "postgres://u:p@db/x", BETTER_AUTH_SECRET: NEW, BETTER_AUTH_URL: "https://auth.example.com", JWT_AUDIENCE: "https://api.example.com" };

  it("is a comma-separated list of earlier secrets, the current one left out", () => {
    expect(loadConfig(base).previousSecrets).toEqual([]);
    expect(loadConfig({ ...base, BETTER_AUTH_PREVIOUS_SECRETS: `${OLD}, ${NEW}` }).previousSecrets).toEqual([OLD]);
  });

  it("refuses a short one with a full sentence", () => {
    expect(configErrorMessage(() => loadConfig({ ...base, BETTER_AUTH_PREVIOUS_SECRETS: "short" }), ConfigError)).toContain(
      "BETTER_AUTH_PREVIOUS_SECRETS must be a comma-separated list of earlier BETTER_AUTH_SECRET values, each at least 32 characters long.",
    );
  });
});

describe("rotating BETTER_AUTH_SECRET", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("auth-service");
  });
  afterAll(() => database.drop());

  it("follows the documented procedure without a 500, keeping the signing key", async () => {
    // 1. Running with the old secret: a key is created and encrypted with it.
    const before = await startAuthService({ BETTER_AUTH_SECRET: OLD }, database);
    const { kid, browser: oldBrowser } = await tokenKid(before);
    await before.stop();

    // A new secret alone cannot decrypt that key: the start is refused, with the way out.
    const refused = startAuthService({ BETTER_AUTH_SECRET: NEW }, database);
    await expect(refused).rejects.toThrow(SigningKeyError);
    await expect(refused).rejects.toThrow(/cannot be decrypted with BETTER_AUTH_SECRET or any of BETTER_AUTH_PREVIOUS_SECRETS: add the secret it was created under/);

    // 2. New secret with the old one as previous: the same key signs; browser sessions signed under the old secret end (401, not 500).
    const during = await startAuthService({ BETTER_AUTH_SECRET: NEW, BETTER_AUTH_PREVIOUS_SECRETS: OLD }, database);
    expect((await fetch(`${during.url}/api/auth/token`, { headers: { cookie: oldBrowser.cookieHeader } })).status).toBe(401);
    expect((await tokenKid(during)).kid).toBe(kid);
    expect(await keyOperator(signingKeysOptions(during.service.config, createKeyStore(during.service.db, 0))).secretsInUse()).toEqual([{ kid, secret: "previous" }]);

    // 3. Re-encrypt with the new secret, then drop the previous one.
    const reencrypt = keysCli(database, NEW, OLD, "reencrypt");
    expect(reencrypt).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringMatching(/^Re-encrypted 1 key with the current BETTER_AUTH_SECRET/) }));
    await during.stop();

    const after = await startAuthService({ BETTER_AUTH_SECRET: NEW }, database);
    try {
      expect((await tokenKid(after)).kid).toBe(kid);
      expect(keysCli(database, NEW, undefined, "list").stdout).toMatch(new RegExp(`^${kid}  EdDSA .* secret: current\n$`));
    } finally {
      await after.stop();
    }
  }, 120_000);

  it("answers 503 signing_unavailable, never a 500, when an instance meets a key no secret of its own decrypts", async () => {
    const isolated = await createTestDatabase("auth-service");
    const db = createDatabase(isolated.url);
    try {
      const policy = { publishAheadMs: 900_000, rotationIntervalMs: 30 * 86_400_000, retireAfterMs: 990_000 };
      const store = createKeyStore(db, 0);
      const creator = createSigningKeys({ store, secrets: [NEW], algorithm: "EdDSA", policy });
      await creator.ensureKey();
      const errors: string[] = [];
      const stale = createSigningKeys({ store, secrets: [OLD], algorithm: "EdDSA", policy, logger: { error: (_details, message) => errors.push(message) } });
      const failure = await stale.sign({ sub: "user" }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SigningKeyError);
      await expect(stale.sign({ sub: "user" })).rejects.toThrow(SigningKeyError);
      expect(errors).toEqual(["no configured secret decrypts this signing key: tokens cannot be issued with it"]);
      expect(signingUnavailable(failure)).toEqual(expect.objectContaining({ status: 503, code: "signing_unavailable", headers: { "Retry-After": "30" } }));
      expect(signingUnavailable(new Error("other"))).toBeUndefined();
    } finally {
      await db.close();
      await isolated.drop();
    }
  });
});
