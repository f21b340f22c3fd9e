// Signs access tokens and publishes the public keys (the JWKS), choosing the
// key that signs by the rotation policy (rotation.ts).
//
// Better Auth's jwt plugin builds each token's claims and hands them to
// `sign` (its `jwt.sign` hook). Signing here instead of in the plugin keeps
// the decrypted private key in memory (the plugin decrypts and imports the key
// for every token it signs) and puts key selection in one place of ours.
// The operator's commands on the keys (rotate, revoke, ...) are in operator.ts.
import { importJWK, SignJWT, type JWK, type JWTPayload } from "jose";
import type { AuthServiceConfig, SigningAlgorithm } from "../config.js";
import { ACCESS_TOKEN_CLAIMS, ACCESS_TOKEN_TYPE } from "../auth/claims.js";
import { keyPairs } from "./key-pairs.js";
import type { KeyStore, StoredKey } from "./key-store.js";
import { isLive, planKeys, type KeyPlan, type RotationPolicy } from "./rotation.js";

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
  /**
   * Creates a signing key if there is none yet, and the next one when due
   * (called at start, periodically, and after an operator's change); forgets
   * the private keys of keys that left the JWKS.
   */
  ensureKey(): Promise<void>;
  /**
   * Throws a SigningKeyError when the key that signs now (or the next one)
   * cannot be decrypted with any configured secret: checked at start, so a
   * wrong secret stops a deploy instead of failing every token request.
   */
  checkSecrets(): Promise<void>;
}

export class SigningKeyError extends Error {
  override name = "SigningKeyError";
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

/** A deployment's signing keys options, from its configuration, on `store`. */
export function signingKeysOptions(config: Pick<AuthServiceConfig, "secret" | "previousSecrets" | "jwt">, store: KeyStore): SigningKeysOptions {
  return { store, secrets: [config.secret, ...config.previousSecrets], algorithm: config.jwt.algorithm, policy: config.jwt.rotation };
}

/** The stored keys of `algorithm` (a key without `alg` is Better Auth's default, EdDSA). */
function keysOf(keys: readonly StoredKey[], algorithm: SigningAlgorithm): StoredKey[] {
  return keys.filter((key) => (key.alg ?? "EdDSA") === algorithm);
}

/** Which of the stored keys of `algorithm` signs at `now`, which to retire, and whether the next is due (rotation.ts). */
export function selectKeys(keys: readonly StoredKey[], algorithm: SigningAlgorithm, now: number, policy: RotationPolicy): KeyPlan {
  return planKeys(keysOf(keys, algorithm), now, policy);
}

export function createSigningKeys(options: SigningKeysOptions): SigningKeys {
  const { store, algorithm, policy } = options;
  const pairs = keyPairs(options);
  const undecryptable = new Set<string>();
  const clock = options.now ?? Date.now;
  const privateKeys = new Map<string, Promise<ImportedKey>>();
  let creating: Promise<StoredKey> | undefined;

  /** Creates a key once, however many callers ask at the same time. */
  function createOnce(): Promise<StoredKey> {
    creating ??= pairs.create(new Date(clock())).finally(() => {
      creating = undefined;
    });
    return creating;
  }

  /** The key that signs now (see rotation.ts), retiring replaced keys and creating the next one when due. */
  async function currentKey(): Promise<StoredKey> {
    const plan = selectKeys(await store.all(), algorithm, clock(), policy);
    for (const { id, at } of plan.retire) await store.retire(id, at);
    if (plan.createNext) await createOnce();
    return plan.signing ?? createOnce();
  }

  function privateKey(key: StoredKey): Promise<ImportedKey> {
    let imported = privateKeys.get(key.id);
    if (!imported) {
      imported = (async () => {
        const decrypted = await pairs.decrypt(key);
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
      // A key out of the JWKS (expired, revoked) never signs again.
      const now = clock();
      const live = new Set((await store.all()).filter((key) => isLive(key, now)).map((key) => key.id));
      for (const kid of privateKeys.keys()) if (!live.has(kid)) privateKeys.delete(kid);
    },
    async checkSecrets() {
      const now = clock();
      const keys = keysOf(await store.all(), algorithm);
      const { signing } = planKeys(keys, now, policy);
      const upcoming = keys.filter((key) => signing && key.createdAt > signing.createdAt && isLive(key, now));
      for (const key of [...(signing ? [signing] : []), ...upcoming]) await privateKey(key);
    },
  };
}
