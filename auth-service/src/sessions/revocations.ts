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

export interface RevocationPublisher {
  /** Announces that session `sid` has ended; never throws (a Redis outage defers it). */
  revoke(sid: string): Promise<void>;
}

export interface RevocationPublisherOptions {
  /** Tokens live this long (JWT_EXPIRES_IN_SECONDS). */
  tokenLifetimeSeconds: number;
  /** Added to the lifetime for the verifiers' clock tolerance. */
  leewaySeconds?: number;
  now?: () => number;
}

export function revocationPublisher(redis: RedisConnection, logger: Logger, options: RevocationPublisherOptions): RevocationPublisher {
  const key = `${redis.keyPrefix}revoked-sessions`;
  const clock = options.now ?? Date.now;
  const lifetimeMs = (options.tokenLifetimeSeconds + (options.leewaySeconds ?? 60)) * 1000;
  // sid → until, for revocations Redis could not take yet.
  const pending = new Map<string, number>();
  let dropped = 0;

  async function send(sid: string, until: number): Promise<void> {
    const now = clock();
    await redis.client.eval(PUBLISH, { keys: [key], arguments: [sid, String(until), String(now), JSON.stringify({ sid, until })] });
  }

  async function flush(): Promise<void> {
    for (const [sid, until] of pending) {
      if (until > clock()) await send(sid, until);
      pending.delete(sid);
    }
    if (dropped > 0) {
      logger.error({ dropped }, "session revocations were lost during the Redis outage; those sessions' tokens stay valid until they expire");
      dropped = 0;
    }
  }

  redis.onReady(() => {
    if (pending.size === 0 && dropped === 0) return;
    const count = pending.size;
    flush()
      .then(() => logger.info({ count }, "published the session revocations deferred during the Redis outage"))
      .catch((error: unknown) => logger.warn({ err: error }, "could not publish the deferred session revocations; retrying on the next reconnect"));
  });

  return {
    async revoke(sid) {
      const until = clock() + lifetimeMs;
      try {
        await send(sid, until);
      } catch {
        if (pending.size < PENDING_REVOCATIONS_LIMIT) pending.set(sid, until);
        else dropped += 1;
      }
    },
  };
}
