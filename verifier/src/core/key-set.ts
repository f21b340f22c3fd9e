// The issuer's public keys, fetched from its JWKS and cached.
//
// - Found from the issuer alone through its discovery document
//   ({issuer}/.well-known/openid-configuration, whose `issuer` must match), or
//   from an explicit JWKS URL.
// - Kept for the JWKS response's Cache-Control max-age, bounded to
//   [minMaxAge, maxMaxAge]; once stale they keep serving while one background
//   refresh runs, so no request waits for a routine refresh.
// - An unknown `kid` triggers a refetch at most once per cooldown, however many
//   requests carry it, and concurrent refetches share one request.
// - Every fetch has a timeout and a size limit; a refresh is a conditional
//   request (If-None-Match) when the JWKS sent an ETag, and a 304 keeps the
//   keys already imported.
// - Stale-if-error: while the JWKS is unreachable, keys already known keep
//   verifying tokens until `staleIfError` after they went stale (jose's
//   createRemoteJWKSet drops them instead); an outage and its end are logged
//   once each.
// - Observers hear every fetch's result (for metrics); the key set itself
//   never depends on a metrics library.
import { importJWK, type JWK } from "jose";
import { InvalidTokenError, KeysUnavailableError } from "./errors.js";
import { notifier } from "./notify.js";

type VerificationKey = Awaited<ReturnType<typeof importJWK>>;

export interface VerifierLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * How a JWKS refresh ended: `ok` (keys read), `not_modified` (a 304 to the
 * conditional request: the keys held are still current), or why it failed:
 * `timeout`, `network_error` (no answer), `http_error` (an error status),
 * `invalid_response` (not JSON, too large, no `keys`), `discovery_error` (the
 * discovery document could not be had, so no JWKS request was made).
 */
export type JwksFetchResult = "ok" | "not_modified" | "timeout" | "network_error" | "http_error" | "invalid_response" | "discovery_error";

/** Called synchronously by the key set; every method is optional and must return quickly. */
export interface KeySetObserver {
  /** A JWKS refresh ended (one call per attempt, background refreshes included). */
  jwksFetch?(result: JwksFetchResult): void;
}

export interface KeySetOptions {
  /** The issuer URL (the token's `iss`); its discovery document names the JWKS. */
  issuer: string;
  /** The JWKS URL, when it should not be discovered. */
  jwksUri?: string | undefined;
  /** Algorithms keys may be for; keys for others are ignored. */
  algorithms: readonly string[];
  /** Abort a discovery or JWKS request after this long. Default 5 s. */
  fetchTimeoutMs?: number;
  /** At most one refetch per this long (unknown kids, retries while down). Default 30 s. */
  cooldownMs?: number;
  /** Freshness when the JWKS response has no usable max-age. Default 5 min. */
  defaultMaxAgeMs?: number;
  /** Bounds on the JWKS response's max-age. Default 30 s and 1 h. */
  minMaxAgeMs?: number;
  maxMaxAgeMs?: number;
  /** How long known keys keep working after going stale while the JWKS is unreachable. Default 1 h. */
  staleIfErrorMs?: number;
  fetch?: typeof fetch;
  logger?: VerifierLogger;
  /** Hears every fetch's result; more can be added with `observe`. */
  observer?: KeySetObserver;
  now?: () => number;
}

export interface KeySetStats {
  /** JWKS requests made (successful or not), discovery excluded. */
  fetches: number;
  failures: number;
  /** Whether the last attempt failed and cached keys are being served. */
  degraded: boolean;
  kids: string[];
}

export interface KeySet {
  /** The key for `kid`, usable with `alg`; throws InvalidTokenError or KeysUnavailableError. */
  getKey(kid: string, alg: string): Promise<VerificationKey>;
  /** Whether `kid` is currently published (used to drop cached verdicts of revoked keys). */
  has(kid: string): boolean;
  stats(): KeySetStats;
  /** Adds an observer; returns the function that removes it. */
  observe(observer: KeySetObserver): () => void;
}

interface CachedKey {
  alg: string;
  key: VerificationKey;
}

const MAX_DOCUMENT_BYTES = 256 * 1024;
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

export class KeySetFetchError extends Error {
  override name = "KeySetFetchError";
  constructor(
    message: string,
    /** Why the fetch failed, as reported to observers. */
    readonly result: Exclude<JwksFetchResult, "ok" | "not_modified"> = "invalid_response",
  ) {
    super(message);
  }
}

// By name, not by class: the abort is a DOMException, which may come from another realm.
const errorName = (error: unknown) => (typeof error === "object" && error !== null && "name" in error ? String(error.name) : "");
const timedOut = (error: unknown) => errorName(error) === "TimeoutError" || errorName(error) === "AbortError";
const messageOf = (error: unknown) => (typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error));

type Fetched =
  | { notModified: false; body: unknown; etag: string | undefined; maxAgeSeconds: number | undefined }
  | { notModified: true; maxAgeSeconds: number | undefined };

async function fetchJson(fetcher: typeof fetch, url: string, timeoutMs: number, etag?: string): Promise<Fetched> {
  let response: Response;
  try {
    response = await fetcher(url, {
      // A revalidation: fetch would otherwise add `Cache-Control: no-cache` to a
      // conditional request, which servers (Express among them) answer in full.
      headers: { accept: "application/json", ...(etag ? { "if-none-match": etag, "cache-control": "max-age=0" } : {}) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error: unknown) {
    throw new KeySetFetchError(`${url} could not be fetched: ${messageOf(error)}`, timedOut(error) ? "timeout" : "network_error");
  }
  const maxAgeSeconds = maxAge(response.headers.get("cache-control"));
  if (etag && response.status === 304) {
    await response.body?.cancel();
    return { notModified: true, maxAgeSeconds };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new KeySetFetchError(`${url} answered ${response.status}`, "http_error");
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw new KeySetFetchError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error: unknown) {
    throw new KeySetFetchError(`${url} could not be read: ${messageOf(error)}`, timedOut(error) ? "timeout" : "network_error");
  }
  if (text.length > MAX_DOCUMENT_BYTES) throw new KeySetFetchError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new KeySetFetchError(`${url} did not answer JSON`);
  }
  return { notModified: false, body, etag: response.headers.get("etag") ?? undefined, maxAgeSeconds };
}

/** max-age from a Cache-Control header: 0 for no-store/no-cache, undefined when absent. */
export function maxAge(cacheControl: string | null): number | undefined {
  if (!cacheControl) return undefined;
  const directives = cacheControl.toLowerCase().split(",").map((part) => part.trim());
  if (directives.some((directive) => directive === "no-store" || directive === "no-cache")) return 0;
  for (const directive of directives) {
    const match = /^max-age=(\d+)$/.exec(directive);
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

async function importKeys(body: unknown, algorithms: readonly string[], logger: VerifierLogger | undefined): Promise<Map<string, CachedKey>> {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new KeySetFetchError("the JWKS has no `keys` array");
  const imported = new Map<string, CachedKey>();
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

/**
 * Reads the issuer's discovery document ({issuer}/.well-known/openid-configuration)
 * and returns its jwks_uri. The document must name the same issuer, and the
 * jwks_uri must be an http(s) URL.
 */
export async function discoverJwksUri(options: { issuer: string; fetch?: typeof fetch; timeoutMs?: number }): Promise<string> {
  const issuer = options.issuer.replace(/\/+$/, "");
  const fetched = await fetchJson(options.fetch ?? fetch, `${issuer}/.well-known/openid-configuration`, options.timeoutMs ?? 5_000);
  const document = (fetched.notModified ? undefined : fetched.body) as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (document?.issuer !== options.issuer && document?.issuer !== issuer) {
    throw new KeySetFetchError(`the discovery document names the issuer ${JSON.stringify(document?.issuer)}, not ${options.issuer}`);
  }
  const uri = document?.jwks_uri;
  if (typeof uri !== "string" || !URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
    throw new KeySetFetchError("the discovery document has no usable jwks_uri");
  }
  return uri;
}

export function createKeySet(options: KeySetOptions): KeySet {
  const fetcher = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.fetchTimeoutMs ?? 5_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const defaultMaxAgeMs = options.defaultMaxAgeMs ?? 300_000;
  const minMaxAgeMs = options.minMaxAgeMs ?? 30_000;
  const maxMaxAgeMs = options.maxMaxAgeMs ?? 3_600_000;
  const staleIfErrorMs = options.staleIfErrorMs ?? 3_600_000;
  const { logger, algorithms } = options;

  let keys: Map<string, CachedKey> | undefined;
  /** The ETag of the JWKS response the keys came from, for conditional refreshes. */
  let etag: string | undefined;
  let freshUntil = 0;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let jwksUri = options.jwksUri;
  let inflight: Promise<void> | undefined;
  let fetches = 0;
  let failures = 0;
  let degraded = false;
  const observers: KeySetObserver[] = options.observer ? [options.observer] : [];
  const notify = notifier(observers, () => options.logger);

  const discover = () => discoverJwksUri({ issuer: options.issuer, fetch: fetcher, timeoutMs });
  const lifetimeMs = (maxAgeSeconds: number | undefined) =>
    maxAgeSeconds === undefined ? defaultMaxAgeMs : Math.min(Math.max(maxAgeSeconds * 1000, minMaxAgeMs), maxMaxAgeMs);

  async function fetchKeys(): Promise<JwksFetchResult> {
    try {
      jwksUri ??= await discover();
    } catch (error: unknown) {
      throw new KeySetFetchError(error instanceof Error ? error.message : String(error), "discovery_error");
    }
    fetches += 1;
    const fetched = await fetchJson(fetcher, jwksUri, timeoutMs, keys ? etag : undefined);
    if (!fetched.notModified) {
      keys = await importKeys(fetched.body, algorithms, logger);
      etag = fetched.etag;
    }
    freshUntil = now() + lifetimeMs(fetched.maxAgeSeconds);
    return fetched.notModified ? "not_modified" : "ok";
  }

  async function load(): Promise<void> {
    lastAttempt = now();
    let result: JwksFetchResult;
    try {
      result = await fetchKeys();
      if (degraded) logger?.info({ jwksUri }, "the issuer's JWKS is reachable again");
      degraded = false;
    } catch (error: unknown) {
      result = error instanceof KeySetFetchError ? error.result : "invalid_response";
      failures += 1;
      if (!options.jwksUri) jwksUri = undefined; // discover again next time
      if (!degraded) {
        logger?.warn(
          { err: error instanceof Error ? error.message : String(error), cachedKeys: keys?.size ?? 0 },
          "the issuer's JWKS is unreachable; serving cached keys while they last",
        );
      }
      degraded = true;
      if (keys && now() > freshUntil + staleIfErrorMs) keys = undefined;
    }
    notify((observer) => observer.jwksFetch?.(result));
  }

  /** One refresh at a time, and none sooner than the cooldown after the last attempt. */
  function refresh(): Promise<void> {
    if (!inflight && now() - lastAttempt >= cooldownMs) {
      inflight = load().finally(() => {
        inflight = undefined;
      });
    }
    return inflight ?? Promise.resolve();
  }

  return {
    async getKey(kid, alg) {
      if (!keys) {
        await refresh();
      } else if (now() >= freshUntil) {
        // Stale: serve what we have, refresh in the background.
        void refresh();
        if (now() > freshUntil + staleIfErrorMs) keys = undefined;
      }
      let entry = keys?.get(kid);
      if (!entry && keys) {
        await refresh();
        entry = keys?.get(kid);
      }
      if (!keys) throw new KeysUnavailableError();
      if (!entry) throw new InvalidTokenError("unknown_kid", "The token was signed with a key the issuer does not publish.");
      if (entry.alg !== alg) throw new InvalidTokenError("alg_not_allowed", "The token's algorithm does not match its key.");
      return entry.key;
    },
    has(kid) {
      return keys?.has(kid) ?? false;
    },
    stats() {
      return { fetches, failures, degraded, kids: [...(keys?.keys() ?? [])] };
    },
    observe(observer) {
      observers.push(observer);
      return () => {
        const index = observers.indexOf(observer);
        if (index >= 0) observers.splice(index, 1);
      };
    },
  };
}
