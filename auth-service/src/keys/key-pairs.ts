// Signing key pairs at rest, in Better Auth's format: generated for the
// configured algorithm, the private JWK encrypted with the current
// BETTER_AUTH_SECRET, and decrypted with it or any of the previous ones
// (BETTER_AUTH_PREVIOUS_SECRETS), so a secret can be rotated without losing a key.
import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import { generateExportedKeyPair, type JWKOptions } from "better-auth/plugins";
import type { SigningAlgorithm } from "../config.js";
import type { KeyStore, StoredKey } from "./key-store.js";

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

export interface KeyPairs {
  /** Generates a key pair and stores it, the private key encrypted with the current secret. */
  create(createdAt: Date): Promise<StoredKey>;
  /** The private JWK and the index of the secret that decrypts it (0: the current one), or undefined when none does. */
  decrypt(key: StoredKey): Promise<{ jwk: string; secretIndex: number } | undefined>;
  /** A private JWK encrypted with the current secret, as stored. */
  encrypt(jwk: string): Promise<string>;
}

export interface KeyPairsOptions {
  store: KeyStore;
  /** The current BETTER_AUTH_SECRET first (it encrypts), then previous ones (decryption only). */
  secrets: readonly [string, ...string[]];
  algorithm: SigningAlgorithm;
}

export function keyPairs({ store, secrets, algorithm }: KeyPairsOptions): KeyPairs {
  const [secret] = secrets;
  const encrypt = async (jwk: string) => JSON.stringify(await symmetricEncrypt({ key: secret, data: jwk }));
  return {
    encrypt,
    async create(createdAt) {
      const { publicWebKey, privateWebKey, alg } = await generateExportedKeyPair({ jwks: { keyPairConfig: keyPairConfig(algorithm) } });
      return store.create({
        alg,
        ...(typeof publicWebKey.crv === "string" ? { crv: publicWebKey.crv as NonNullable<StoredKey["crv"]> } : {}),
        publicKey: JSON.stringify(publicWebKey),
        privateKey: await encrypt(JSON.stringify(privateWebKey)),
        createdAt,
      });
    },
    async decrypt(key) {
      for (const [secretIndex, candidate] of secrets.entries()) {
        try {
          return { jwk: await symmetricDecrypt({ key: candidate, data: JSON.parse(key.privateKey) as string }), secretIndex };
        } catch {
          // Not this secret: try the next.
        }
      }
      return undefined;
    },
  };
}
