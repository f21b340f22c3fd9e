// Better Auth's `secondaryStorage` on Redis: a session cache every instance
// shares, in front of PostgreSQL. Sessions are still written to PostgreSQL
// (`storeSessionInDatabase`), which stays the source of truth, so this is a
// cache with one rule that matters for security: an ended session must never
// come back from it.
//
// Any Redis error marks the cache "dirty" on this instance: from then on it
// reads PostgreSQL only (a miss for Better Auth), and as soon as Redis answers
// again it drops every cached session before using the cache again. A delete
// missed during an outage (a sign-out, a "revoke all sessions", whose list of
// sessions Better Auth itself reads from this cache) can therefore never
// revive a session; the cost is that the cache refills from PostgreSQL after
// each outage. What this cannot cover: an instance cut off from a Redis that
// other instances still use leaves its ended sessions in the cache they read,
// until it reconnects (see docs/redis.md).
import type { SecondaryStorage } from "better-auth";
import type { Logger } from "pino";
import type { RedisConnection } from "../redis.js";

/** How often a dirty cache retries its flush while Redis answers (errors without a reconnect: a read-only replica, ACLs). */
export const FLUSH_RETRY_MS = 5_000;

// INCR, starting the expiry (seconds) on creation only, as SecondaryStorage.increment requires.
const INCREMENT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

export interface SessionCache extends SecondaryStorage {
  /** True while this instance does not trust the cache (after a Redis error, until the flush). */
  readonly dirty: boolean;
  close(): void;
}

export function redisSecondaryStorage(redis: RedisConnection, logger: Logger): SessionCache {
  const { client, run } = redis;
  const prefix = `${redis.keyPrefix}session-cache:`;
  let dirty = false;
  let flushing: Promise<void> | undefined;
  // A delete skipped while a flush is scanning may concern a key the scan has
  // already passed: the flush then goes round again.
  let skippedDelete = false;

  function failed(error: unknown): void {
    if (!dirty) logger.warn({ err: error }, "the session cache (Redis) failed: sessions are read from PostgreSQL until it is flushed");
    dirty = true;
  }

  async function flushAll(): Promise<void> {
    let dropped = 0;
    do {
      skippedDelete = false;
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length > 0) dropped += await run((redis) => redis.del(keys));
      }
    } while (skippedDelete);
    dirty = false;
    logger.info({ dropped }, "the session cache was flushed after a Redis failure and is in use again");
  }

  function flush(): void {
    if (!dirty || flushing || !client.isReady) return;
    flushing = flushAll()
      .catch((error: unknown) => logger.warn({ err: error }, "could not flush the session cache; retrying"))
      .finally(() => {
        flushing = undefined;
      });
  }

  redis.onReady(flush);
  const retry = setInterval(flush, FLUSH_RETRY_MS);
  retry.unref();

  /** Runs `command` unless the cache is dirty; a failure marks it dirty and answers `fallback`. */
  async function guarded<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    if (dirty) return fallback;
    try {
      return await command();
    } catch (error: unknown) {
      failed(error);
      return fallback;
    }
  }

  return {
    get dirty() {
      return dirty;
    },
    get: (key) => guarded(() => run((redis) => redis.get(prefix + key)), null),
    getAndDelete: (key) => guarded(() => run((redis) => redis.getDel(prefix + key)), null),
    // Fail open, as the rate limits do: one hit counted.
    increment: (key, ttl) =>
      guarded(async () => Number(await run((redis) => redis.eval(INCREMENT, { keys: [prefix + key], arguments: [String(Math.max(1, Math.ceil(ttl)))] }))), 1),
    async set(key, value, ttl) {
      await guarded(async () => {
        if (ttl === undefined) await run((redis) => redis.set(prefix + key, value));
        // Better Auth passes 0 for a session with under a second left: never "no expiry".
        else if (ttl > 0) await run((redis) => redis.set(prefix + key, value, { expiration: { type: "EX", value: Math.ceil(ttl) } }));
        else await run((redis) => redis.del(prefix + key));
      }, undefined);
    },
    async delete(key) {
      // While dirty the delete is not even tried: the flush removes the key.
      if (dirty) skippedDelete = true;
      await guarded(() => run((redis) => redis.del(prefix + key)), 0);
    },
    close() {
      clearInterval(retry);
    },
  };
}
