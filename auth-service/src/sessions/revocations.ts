// Ended sessions, published to the resource-services through Redis so that
// they can refuse the ended session's tokens before those expire (opt-in on
// their side: AUTH_REVOCATION_REDIS_URL).
//
// The wire format is the one @authbridge/verifier/redis reads:
//   - the sorted set `<prefix>revoked-sessions`: member = session id (the
//     tokens' `sid`), score = the time (ms since the epoch) after which no
//     token of that session can still be valid; a subscriber loads it when it
//     (re)connects, so it never depends on having heard every message;
//   - the channel of the same name: one message per ended session,
//     `{"sid":"...","until":1764230000000}`.
// Members past their time are removed on every publish, so the set holds at
// most the sessions ended within one token lifetime.
import type { Logger } from "pino";
import type { RedisConnection } from "../redis.js";

/** How many unpublished revocations are kept while Redis is unreachable. */
export const PENDING_REVOCATIONS_LIMIT = 10_000;

// ZADD the session, drop the members whose tokens have all expired, and announce it.
const PUBLISH = `redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
return redis.call('PUBLISH', KEYS[1], ARGV[4])`;

/** How often revocations Redis refused are retried while it answers (errors without a reconnect: a read-only replica, ACLs). */
export const RETRY_MS = 5_000;

export interface RevocationPublisher {
  /** Announces that session `sid` has ended; never throws (a Redis failure defers it). */
  revoke(sid: string): Promise<void>;
  /** Stops retrying; logs how many revocations are still unpublished. */
  close(): void;
}

export interface RevocationPublisherOptions {
  /** Tokens live this long (JWT_EXPIRES_IN_SECONDS). */
  tokenLifetimeSeconds: number;
  /** Added to the lifetime for the gap between a deferred publish and the session cache's flush. */
  leewaySeconds?: number;
  now?: () => number;
}

export function revocationPublisher(redis: RedisConnection, logger: Logger, options: RevocationPublisherOptions): RevocationPublisher {
  const key = `${redis.keyPrefix}revoked-sessions`;
  const clock = options.now ?? Date.now;
  const lifetimeMs = (options.tokenLifetimeSeconds + (options.leewaySeconds ?? 60)) * 1000;
  // Sessions ended while Redis refused the announcement. Their time is taken
  // when they are finally sent: until then, an instance reading a stale
  // session cache may still have minted tokens for them.
  const pending = new Set<string>();
  let dropped = 0;
  let flushing: Promise<void> | undefined;

  async function send(sid: string): Promise<void> {
    const now = clock();
    const until = now + lifetimeMs;
    await redis.run((client) => client.eval(PUBLISH, { keys: [key], arguments: [sid, String(until), String(now), JSON.stringify({ sid, until })] }));
  }

  async function flushPending(): Promise<void> {
    const count = pending.size;
    for (const sid of pending) {
      await send(sid);
      pending.delete(sid);
    }
    logger.info({ count }, "published the session revocations Redis had refused");
    if (dropped > 0) {
      logger.error({ dropped }, "session revocations were lost while Redis refused them; those sessions' tokens stay valid until they expire");
      dropped = 0;
    }
  }

  function flush(): void {
    if ((pending.size === 0 && dropped === 0) || flushing || !redis.client.isReady) return;
    flushing = flushPending()
      .catch((error: unknown) => logger.warn({ err: error, pending: pending.size }, "could not publish the deferred session revocations; retrying"))
      .finally(() => {
        flushing = undefined;
      });
  }

  redis.onReady(flush);
  const retry = setInterval(flush, RETRY_MS);
  retry.unref();

  return {
    async revoke(sid) {
      try {
        await send(sid);
      } catch (error: unknown) {
        if (pending.size === 0) logger.warn({ err: error }, "Redis refused a session revocation: it is kept and retried");
        if (pending.size < PENDING_REVOCATIONS_LIMIT) pending.add(sid);
        else dropped += 1;
      }
    },
    close() {
      clearInterval(retry);
      if (pending.size + dropped > 0) {
        logger.error({ unpublished: pending.size + dropped }, "stopping with session revocations unpublished; those sessions' tokens stay valid until they expire");
      }
    },
  };
}
