// The signing keys, stored in the jwt plugin's `jwks` table in Better Auth's
// own format (public JWK as JSON; private JWK encrypted with the Better Auth
// secret), read through a short in-process cache. A key created here clears
// the cache at once; keys created by another instance are seen within `ttlMs`.
import { generateId } from "better-auth";
import type { Jwk } from "better-auth/plugins";
import type { Database } from "../db.js";

export type StoredKey = Jwk;

export interface KeyStore {
  /** Every stored key, oldest first. */
  all(): Promise<StoredKey[]>;
  create(data: Omit<StoredKey, "id">): Promise<StoredKey>;
  /** Sets a key's expiry unless it has one (several instances may retire the same key). */
  retire(id: string, at: Date): Promise<void>;
  /** Sets a key's expiry now, whatever it was (revocation). */
  expire(id: string, at: Date): Promise<void>;
  /** Replaces a key's encrypted private key (re-encryption under a new secret). */
  updatePrivateKey(id: string, privateKey: string): Promise<void>;
  /** Forgets the cached keys (the next read goes to the database). */
  invalidate(): void;
}

type JwkRow = Awaited<ReturnType<Database["prisma"]["jwks"]["findMany"]>>[number];

function fromRow(row: JwkRow): StoredKey {
  return {
    id: row.id,
    publicKey: row.publicKey,
    privateKey: row.privateKey,
    createdAt: row.createdAt,
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.alg ? { alg: row.alg as NonNullable<Jwk["alg"]> } : {}),
    ...(row.crv ? { crv: row.crv as NonNullable<Jwk["crv"]> } : {}),
  };
}

export function createKeyStore(db: Database, ttlMs = 30_000): KeyStore {
  let cached: { keys: StoredKey[]; loadedAt: number } | undefined;
  let loading: Promise<StoredKey[]> | undefined;
  // Bumped by every write: a read that started before a write must not put
  // its (now incomplete) result in the cache.
  let generation = 0;

  function load(): Promise<StoredKey[]> {
    if (loading) return loading;
    const started = generation;
    const current = db.prisma.jwks
      .findMany({ orderBy: { createdAt: "asc" } })
      .then((rows) => {
        const keys = rows.map(fromRow);
        if (generation === started) cached = { keys, loadedAt: Date.now() };
        return keys;
      })
      .finally(() => {
        if (loading === current) loading = undefined;
      });
    loading = current;
    return current;
  }

  function forget(): void {
    generation += 1;
    cached = undefined;
    loading = undefined;
  }

  return {
    async all() {
      if (cached && Date.now() - cached.loadedAt < ttlMs) return cached.keys;
      return load();
    },
    async create(data) {
      const row = await db.prisma.jwks.create({
        data: {
          id: generateId(32),
          publicKey: data.publicKey,
          privateKey: data.privateKey,
          createdAt: data.createdAt ?? new Date(),
          expiresAt: data.expiresAt ?? null,
          alg: data.alg ?? null,
          crv: data.crv ?? null,
        },
      });
      forget();
      return fromRow(row);
    },
    async retire(id, at) {
      await db.prisma.jwks.updateMany({ where: { id, expiresAt: null }, data: { expiresAt: at } });
      forget();
    },
    async expire(id, at) {
      await db.prisma.jwks.updateMany({ where: { id }, data: { expiresAt: at } });
      forget();
    },
    async updatePrivateKey(id, privateKey) {
      await db.prisma.jwks.update({ where: { id }, data: { privateKey } });
      forget();
    },
    invalidate: forget,
  };
}
