// The signing keys, stored in the jwt plugin's `jwks` table in Better Auth's
// own format (public JWK as JSON; private JWK encrypted with the Better Auth
// secret), read through a short in-process cache. A key created here clears
// the cache at once; keys created by another instance are seen within `ttlMs`.
//
// Prepared statements on the service's pool, like Better Auth's own queries:
// the auth-service never loads Prisma's query engine at run time (about 30 MB
// of memory); Prisma's schema and migrations define the table.
import { prepared } from "@authbridge/service-kit";
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

interface JwkRow {
  id: string;
  publicKey: string;
  privateKey: string;
  createdAt: Date;
  expiresAt: Date | null;
  alg: string | null;
  crv: string | null;
}

const COLUMNS = `id, "publicKey", "privateKey", "createdAt", "expiresAt", alg, crv`;
const statements = {
  all: prepared<JwkRow>("jwks.all", `SELECT ${COLUMNS} FROM jwks ORDER BY "createdAt" ASC`),
  create: prepared<JwkRow>(
    "jwks.create",
    `INSERT INTO jwks (id, "publicKey", "privateKey", "createdAt", "expiresAt", alg, crv) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
  ),
  retire: prepared<never>("jwks.retire", `UPDATE jwks SET "expiresAt" = $2 WHERE id = $1 AND "expiresAt" IS NULL`),
  expire: prepared<never>("jwks.expire", `UPDATE jwks SET "expiresAt" = $2 WHERE id = $1`),
  updatePrivateKey: prepared<never>("jwks.update-private-key", `UPDATE jwks SET "privateKey" = $2 WHERE id = $1`),
};

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
    const current = db
      .query(statements.all, [])
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
      const [row] = await db.query(statements.create, [
        generateId(32),
        data.publicKey,
        data.privateKey,
        data.createdAt ?? new Date(),
        data.expiresAt ?? null,
        data.alg ?? null,
        data.crv ?? null,
      ]);
      forget();
      if (!row) throw new Error("Storing a signing key returned no row.");
      return fromRow(row);
    },
    async retire(id, at) {
      await db.query(statements.retire, [id, at]);
      forget();
    },
    async expire(id, at) {
      await db.query(statements.expire, [id, at]);
      forget();
    },
    async updatePrivateKey(id, privateKey) {
      await db.query(statements.updatePrivateKey, [id, privateKey]);
      forget();
    },
    invalidate: forget,
  };
}
