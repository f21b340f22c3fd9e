// Signs access tokens and publishes the public keys (the JWKS).
//
// Better Auth's jwt plugin builds each token's claims and hands them to
// `sign` (its `jwt.sign` hook). Signing here instead of in the plugin keeps
// the decrypted private key in memory (the plugin decrypts and imports the key
// for every token it signs) and puts key selection in one place of ours.
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import { generateExportedKeyPair, type JWKOptions } from "better-auth/plugins";
import { importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import type { SigningAlgorithm } from "../config.js";
import { ACCESS_TOKEN_CLAIMS, ACCESS_TOKEN_TYPE } from "../auth/claims.js";
import type { KeyStore, StoredKey } from "./key-store.js";
import { isLive, planKeys, type RotationPolicy } from "./rotation.js";

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: "sig";
}

export interface SigningKeys {
  /** Signs `claims` (exactly the documented claim set) with the current key; the header is { alg, kid, typ: "at+jwt" }. */
  sign(claims: JWTPayload): Promise<string>;
  /** The public keys verifiers may meet: every key that has not expired. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Creates a signing key if there is none yet, and the next one when due (called at start and periodically). */
  ensureKey(): Promise<void>;
  /** Creates a new key: it signs after the publish-ahead time, or at once with `immediate`. Returns its kid. */
  rotate(options?: { immediate?: boolean }): Promise<string>;
  /** Takes a key out of the JWKS and out of service now. */
  revoke(kid: string): Promise<void>;
  list(): Promise<Array<{ kid: string; alg: string; createdAt: Date; expiresAt: Date | undefined; state: string }>>;
  /**
   * Throws a SigningKeyError when the key that signs now (or the next one)
   * cannot be decrypted with any configured secret: checked at start, so a
   * wrong secret stops a deploy instead of failing every token request.
   */
  checkSecrets(): Promise<void>;
  /** Re-encrypts with the current secret every stored key that needs a previous one; returns how many. */
  reencrypt(): Promise<number>;
  /** Which configured secret decrypts each stored key: "current", "previous" or "none". */
  secretsInUse(): Promise<Array<{ kid: string; secret: "current" | "previous" | "none" }>>;
}

export class SigningKeyError extends Error {
  override name = "SigningKeyError";
}

export function keyPairConfig(algorithm: SigningAlgorithm): JWKOptions {
  switch (algorithm) {
    case "EdDSA":
      return { alg: "EdDSA", crv: "Ed25519" };
    case "ES256":
      return { alg: "ES256" };
    case "ES512":
      return { alg: "ES512" };
    case "RS256":
      return { alg: "RS256", modulusLength: 2048 };
    case "PS256":
      return { alg: "PS256", modulusLength: 2048 };
  }
}

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

export interface SigningKeysOptions {
  store: KeyStore;
  /** The current BETTER_AUTH_SECRET first (it encrypts new keys), then previous ones (decryption only). */
  secrets: readonly [string, ...string[]];
  algorithm: SigningAlgorithm;
  policy: RotationPolicy;
  /** Told once per key that no configured secret decrypts. */
  logger?: { error(details: object, message: string): void };
  now?: () => number;
}

export function createSigningKeys(options: SigningKeysOptions): SigningKeys {
  const { store, secrets, algorithm, policy } = options;
  const [secret] = secrets;
  const undecryptable = new Set<string>();
  const clock = options.now ?? Date.now;
  const privateKeys = new Map<string, Promise<ImportedKey>>();
  let creating: Promise<StoredKey> | undefined;

  async function createKey(createdAt = new Date(clock())): Promise<StoredKey> {
    const { publicWebKey, privateWebKey, alg } = await generateExportedKeyPair({ jwks: { keyPairConfig: keyPairConfig(algorithm) } });
    return store.create({
      alg,
      ...(typeof publicWebKey.crv === "string" ? { crv: publicWebKey.crv as NonNullable<StoredKey["crv"]> } : {}),
      publicKey: JSON.stringify(publicWebKey),
      privateKey: JSON.stringify(await symmetricEncrypt({ key: secret, data: JSON.stringify(privateWebKey) })),
      createdAt,
    });
  }

  /** Creates a key once, however many callers ask at the same time. */
  function createOnce(createdAt?: Date): Promise<StoredKey> {
    creating ??= createKey(createdAt).finally(() => {
      creating = undefined;
    });
    return creating;
  }

  /** The key that signs now (see rotation.ts), retiring replaced keys and creating the next one when due. */
  async function currentKey(): Promise<StoredKey> {
    const now = clock();
    const keys = (await store.all()).filter((key) => (key.alg ?? "EdDSA") === algorithm);
    const plan = planKeys(keys, now, policy);
    for (const { id, at } of plan.retire) await store.retire(id, at);
    if (plan.createNext) await createOnce();
    return plan.signing ?? createOnce();
  }

  /** The private JWK and the index of the secret that decrypted it, or undefined when none does. */
  async function decrypt(key: StoredKey): Promise<{ jwk: string; secretIndex: number } | undefined> {
    for (const [secretIndex, candidate] of secrets.entries()) {
      try {
        return { jwk: await symmetricDecrypt({ key: candidate, data: JSON.parse(key.privateKey) as string }), secretIndex };
      } catch {
        // Not this secret: try the next.
      }
    }
    return undefined;
  }

  function privateKey(key: StoredKey): Promise<ImportedKey> {
    let imported = privateKeys.get(key.id);
    if (!imported) {
      imported = (async () => {
        const decrypted = await decrypt(key);
        if (!decrypted) {
          if (!undecryptable.has(key.id)) options.logger?.error({ kid: key.id }, "no configured secret decrypts this signing key: tokens cannot be issued with it");
          undecryptable.add(key.id);
          throw new SigningKeyError(
            `The private signing key ${key.id} cannot be decrypted with BETTER_AUTH_SECRET or any of BETTER_AUTH_PREVIOUS_SECRETS: ` +
              "add the secret it was created under to BETTER_AUTH_PREVIOUS_SECRETS, or, if that secret is lost, run `keys rotate --immediate`.",
          );
        }
        return importJWK(JSON.parse(decrypted.jwk) as JWK, key.alg ?? algorithm);
      })();
      imported.catch(() => privateKeys.delete(key.id));
      privateKeys.set(key.id, imported);
    }
    return imported;
  }

  return {
    async sign(claims) {
      const key = await currentKey();
      const payload: Record<string, unknown> = {};
      for (const name of ACCESS_TOKEN_CLAIMS) {
        if (claims[name] !== undefined) payload[name] = claims[name];
      }
      return new SignJWT(payload).setProtectedHeader({ alg: key.alg ?? algorithm, kid: key.id, typ: ACCESS_TOKEN_TYPE }).sign(await privateKey(key));
    },
    async jwks() {
      // Never publish a set without the key that signs: create it first if need be.
      await currentKey();
      const now = clock();
      const keys = (await store.all()).filter((key) => isLive(key, now));
      return {
        keys: keys.map((key) => {
          const { d: _private, ...publicJwk } = JSON.parse(key.publicKey) as JWK;
          return { ...publicJwk, kid: key.id, alg: key.alg ?? algorithm, use: "sig" as const };
        }),
      };
    },
    async ensureKey() {
      await currentKey();
    },
    async rotate({ immediate = false } = {}) {
      // An immediate key is dated back so that it signs at once (an incident:
      // verifiers that have not fetched it yet refetch on its unknown kid).
      const createdAt = new Date(clock() - (immediate ? policy.publishAheadMs : 0));
      const key = await createKey(createdAt);
      await currentKey();
      return key.id;
    },
    async revoke(kid) {
      await store.expire(kid, new Date(clock()));
      privateKeys.delete(kid);
      await currentKey();
    },
    async checkSecrets() {
      const keys = (await store.all()).filter((key) => (key.alg ?? "EdDSA") === algorithm);
      const { signing } = planKeys(keys, clock(), policy);
      const upcoming = keys.filter((key) => signing && key.createdAt > signing.createdAt && isLive(key, clock()));
      for (const key of [...(signing ? [signing] : []), ...upcoming]) await privateKey(key);
    },
    async reencrypt() {
      let count = 0;
      for (const key of await store.all()) {
        const decrypted = await decrypt(key);
        if (!decrypted || decrypted.secretIndex === 0) continue;
        await store.updatePrivateKey(key.id, JSON.stringify(await symmetricEncrypt({ key: secret, data: decrypted.jwk })));
        count += 1;
      }
      return count;
    },
    async secretsInUse() {
      const keys = await store.all();
      return Promise.all(
        keys.map(async (key) => {
          const decrypted = await decrypt(key);
          return { kid: key.id, secret: !decrypted ? ("none" as const) : decrypted.secretIndex === 0 ? ("current" as const) : ("previous" as const) };
        }),
      );
    },
    async list() {
      const now = clock();
      const keys = await store.all();
      const { signing } = planKeys(keys.filter((key) => (key.alg ?? "EdDSA") === algorithm), now, policy);
      return keys.map((key) => ({
        kid: key.id,
        alg: key.alg ?? algorithm,
        createdAt: key.createdAt,
        expiresAt: key.expiresAt,
        state: !isLive(key, now) ? "expired" : key.id === signing?.id ? "signing" : signing && key.createdAt > signing.createdAt ? "published, not signing yet" : "retired, still published",
      }));
    },
  };
}
