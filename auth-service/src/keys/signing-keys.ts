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
import { ACCESS_TOKEN_CLAIMS } from "../auth/claims.js";
import type { KeyStore, StoredKey } from "./key-store.js";

export interface PublicJwk extends JWK {
  kid: string;
  alg: string;
  use: "sig";
}

export interface SigningKeys {
  /** Signs `claims` (exactly the documented claim set) with the current key. */
  sign(claims: JWTPayload): Promise<string>;
  /** The public keys verifiers may meet: every key that has not expired. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Creates a signing key if there is none yet (called at start). */
  ensureKey(): Promise<void>;
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

const isLive = (key: StoredKey, now: number) => !key.expiresAt || key.expiresAt.getTime() > now;

export function createSigningKeys(options: { store: KeyStore; secret: string; algorithm: SigningAlgorithm }): SigningKeys {
  const { store, secret, algorithm } = options;
  const privateKeys = new Map<string, Promise<ImportedKey>>();
  let creating: Promise<StoredKey> | undefined;

  async function createKey(): Promise<StoredKey> {
    const { publicWebKey, privateWebKey, alg } = await generateExportedKeyPair({ jwks: { keyPairConfig: keyPairConfig(algorithm) } });
    return store.create({
      alg,
      ...(typeof publicWebKey.crv === "string" ? { crv: publicWebKey.crv as NonNullable<StoredKey["crv"]> } : {}),
      publicKey: JSON.stringify(publicWebKey),
      privateKey: JSON.stringify(await symmetricEncrypt({ key: secret, data: JSON.stringify(privateWebKey) })),
      createdAt: new Date(),
    });
  }

  /** The newest live key of the configured algorithm, created when there is none. */
  async function currentKey(): Promise<StoredKey> {
    const now = Date.now();
    const candidates = (await store.all()).filter((key) => (key.alg ?? "EdDSA") === algorithm && isLive(key, now));
    const newest = candidates.at(-1);
    if (newest) return newest;
    creating ??= createKey().finally(() => {
      creating = undefined;
    });
    return creating;
  }

  function privateKey(key: StoredKey): Promise<ImportedKey> {
    let imported = privateKeys.get(key.id);
    if (!imported) {
      imported = (async () => {
        let jwk: string;
        try {
          jwk = await symmetricDecrypt({ key: secret, data: JSON.parse(key.privateKey) as string });
        } catch {
          throw new SigningKeyError(
            `The private signing key ${key.id} cannot be decrypted with the current BETTER_AUTH_SECRET: the secret changed since the key was created.`,
          );
        }
        return importJWK(JSON.parse(jwk) as JWK, key.alg ?? algorithm);
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
      return new SignJWT(payload).setProtectedHeader({ alg: key.alg ?? algorithm, kid: key.id }).sign(await privateKey(key));
    },
    async jwks() {
      // Never publish a set without the key that signs: create it first if need be.
      await currentKey();
      const now = Date.now();
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
  };
}
