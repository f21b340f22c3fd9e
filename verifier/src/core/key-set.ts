// The issuer's public keys, cached: the state machine over fetching (jwks.ts)
// and discovery (discovery.ts).
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
import { discoverJwksUri } from "./discovery.js";
import { InvalidTokenError, KeysUnavailableError } from "./errors.js";
import { KeySetFetchError, type JwksFetchResult } from "./fetch-json.js";
import { fetchJwks, type PublishedKey, type VerificationKey } from "./jwks.js";
import type { VerifierLogger } from "./logger.js";
import { notifier } from "./notify.js";

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

  let keys: Map<string, PublishedKey> | undefined;
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
    const fetched = await fetchJwks(fetcher, jwksUri, { timeoutMs, etag: keys ? etag : undefined, algorithms, logger });
    if (!fetched.notModified) {
      ({ keys, etag } = fetched);
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
      if (!entry) {
        // While the issuer cannot be asked, an unknown kid may be a key it created
        // since (a rotation during the outage): that is no proof the token is bad.
        if (degraded) throw new KeysUnavailableError("The token was signed with a key this service has not seen, and the issuer's keys cannot be fetched right now; try again shortly.");
        throw new InvalidTokenError("unknown_kid", "The token was signed with a key the issuer does not publish.");
      }
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
