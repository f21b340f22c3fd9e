// The issuer's JWKS, fetched and imported: only public signature keys with a
// kid, for an accepted algorithm, are kept.
import { importJWK, type JWK } from "jose";
import { fetchJson, KeySetFetchError } from "./fetch-json.js";
import type { VerifierLogger } from "./logger.js";

export type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

export interface PublishedKey {
  alg: string;
  key: VerificationKey;
}

export type FetchedKeys =
  | { notModified: false; keys: Map<string, PublishedKey>; etag: string | undefined; maxAgeSeconds: number | undefined }
  | { notModified: true; maxAgeSeconds: number | undefined };

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

async function importKeys(body: unknown, algorithms: readonly string[], logger: VerifierLogger | undefined): Promise<Map<string, PublishedKey>> {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new KeySetFetchError("the JWKS has no `keys` array");
  const imported = new Map<string, PublishedKey>();
  for (const candidate of keys as JWK[]) {
    if (typeof candidate !== "object" || candidate === null) continue;
    const { kid, alg, use } = candidate;
    if (typeof kid !== "string" || !kid || typeof alg !== "string" || !algorithms.includes(alg)) continue;
    if (use !== undefined && use !== "sig") continue;
    if (candidate.kty === "oct" || PRIVATE_MEMBERS.some((member) => member in candidate)) {
      // A JWKS must only publish public keys; one that leaks private material
      // (or a shared secret) is not trusted to verify anything.
      logger?.warn({ kid }, "ignoring a JWKS entry that carries private key material");
      continue;
    }
    try {
      imported.set(kid, { alg, key: await importJWK(candidate, alg) });
    } catch {
      logger?.warn({ kid, alg }, "ignoring a JWKS entry that cannot be imported");
    }
  }
  return imported;
}

/** Fetches the JWKS at `uri` (conditionally, given the ETag of the keys held) and imports its keys. Throws KeySetFetchError. */
export async function fetchJwks(
  fetcher: typeof fetch,
  uri: string,
  options: { timeoutMs: number; etag: string | undefined; algorithms: readonly string[]; logger: VerifierLogger | undefined },
): Promise<FetchedKeys> {
  const fetched = await fetchJson(fetcher, uri, options.timeoutMs, options.etag);
  if (fetched.notModified) return fetched;
  return { notModified: false, keys: await importKeys(fetched.body, options.algorithms, options.logger), etag: fetched.etag, maxAgeSeconds: fetched.maxAgeSeconds };
}
