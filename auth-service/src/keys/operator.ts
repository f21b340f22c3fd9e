// What an operator does to the signing keys (`npm run keys`, cli/keys.ts):
// list them, rotate (a new key, published ahead or signing at once), revoke
// one, and re-encrypt them after BETTER_AUTH_SECRET changed. The service
// itself only signs and publishes (signing-keys.ts); other instances see a
// change within their key cache's lifetime.
import { keyPairs } from "./key-pairs.js";
import { isLive } from "./rotation.js";
import { createSigningKeys, selectKeys, type SigningKeys, type SigningKeysOptions } from "./signing-keys.js";

export interface KeyListing {
  kid: string;
  alg: string;
  createdAt: Date;
  expiresAt: Date | undefined;
  state: "signing" | "published, not signing yet" | "retired, still published" | "expired";
}

export interface KeyOperator {
  list(): Promise<KeyListing[]>;
  /** Creates a new key: it signs after the publish-ahead time, or at once with `immediate`. Returns its kid. */
  rotate(options?: { immediate?: boolean }): Promise<string>;
  /** Takes a key out of the JWKS and out of service now. */
  revoke(kid: string): Promise<void>;
  /** Re-encrypts with the current secret every stored key that needs a previous one; returns how many. */
  reencrypt(): Promise<number>;
  /** Which configured secret decrypts each stored key: "current", "previous" or "none". */
  secretsInUse(): Promise<Array<{ kid: string; secret: "current" | "previous" | "none" }>>;
}

/** The operator's commands on the keys `signer` signs with (by default a signer of its own on the same store). */
export function keyOperator(options: SigningKeysOptions, signer: SigningKeys = createSigningKeys(options)): KeyOperator {
  const { store, algorithm, policy } = options;
  const pairs = keyPairs(options);
  const clock = options.now ?? Date.now;

  return {
    async list() {
      const now = clock();
      const keys = await store.all();
      const { signing } = selectKeys(keys, algorithm, now, policy);
      return keys.map((key) => ({
        kid: key.id,
        alg: key.alg ?? algorithm,
        createdAt: key.createdAt,
        expiresAt: key.expiresAt,
        state: !isLive(key, now) ? "expired" : key.id === signing?.id ? "signing" : signing && key.createdAt > signing.createdAt ? "published, not signing yet" : "retired, still published",
      }));
    },
    async rotate({ immediate = false } = {}) {
      // An immediate key is dated back so that it signs at once (an incident:
      // verifiers that have not fetched it yet refetch on its unknown kid).
      const key = await pairs.create(new Date(clock() - (immediate ? policy.publishAheadMs : 0)));
      await signer.ensureKey();
      return key.id;
    },
    async revoke(kid) {
      await store.expire(kid, new Date(clock()));
      await signer.ensureKey();
    },
    async reencrypt() {
      let count = 0;
      for (const key of await store.all()) {
        const decrypted = await pairs.decrypt(key);
        if (!decrypted || decrypted.secretIndex === 0) continue;
        await store.updatePrivateKey(key.id, await pairs.encrypt(decrypted.jwk));
        count += 1;
      }
      return count;
    },
    async secretsInUse() {
      const keys = await store.all();
      return Promise.all(
        keys.map(async (key) => {
          const decrypted = await pairs.decrypt(key);
          return { kid: key.id, secret: !decrypted ? ("none" as const) : decrypted.secretIndex === 0 ? ("current" as const) : ("previous" as const) };
        }),
      );
    },
  };
}
