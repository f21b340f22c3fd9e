// Better Auth's `secondaryStorage` on Redis: a session cache every instance
// shares, in front of PostgreSQL. Sessions are still written to PostgreSQL
// (`storeSessionInDatabase`), which stays the source of truth, so this is a
// cache with one rule that matters for security: a delete is never lost.
//
// - get: a Redis error is a miss; Better Auth then reads PostgreSQL.
// - set: a Redis error leaves the entry out of the cache; nothing else.
// - delete (sign-out, revocation): a Redis error keeps the key in a bounded
//   list that is replayed as soon as Redis is back, before any other instance
//   could read the stale entry from a recovered Redis.
import type { SecondaryStorage } from "better-auth";
import type { Logger } from "pino";
import type { RedisConnection } from "../redis.js";

/** How many failed deletes are kept for replay; beyond it, the whole session cache is dropped on recovery. */
export const PENDING_DELETES_LIMIT = 10_000;

// INCR, starting the expiry (seconds) on creation only, as SecondaryStorage.increment requires.
const INCREMENT = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

export function redisSecondaryStorage(redis: RedisConnection, logger: Logger): SecondaryStorage {
  const { client } = redis;
  const prefix = `${redis.keyPrefix}session-cache:`;
  const pendingDeletes = new Set<string>();
  let overflowed = false;

  async function replayDeletes(): Promise<void> {
    if (overflowed) {
      // Too many deletes were missed to list them: drop every cached session
      // (each instance reads PostgreSQL until the cache refills).
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length > 0) await client.del(keys);
      }
      overflowed = false;
      pendingDeletes.clear();
      logger.warn("the session cache was dropped: more deletes were missed during the Redis outage than could be kept");
      return;
    }
    const keys = [...pendingDeletes];
    if (keys.length === 0) return;
    await client.del(keys);
    for (const key of keys) pendingDeletes.delete(key);
    logger.info({ count: keys.length }, "replayed the session-cache deletes missed during the Redis outage");
  }

  redis.onReady(() => {
    replayDeletes().catch((error: unknown) => logger.warn({ err: error }, "could not replay the missed session-cache deletes; retrying on the next reconnect"));
  });

  return {
    async get(key) {
      if (pendingDeletes.has(prefix + key) || overflowed) return null;
      try {
        return await client.get(prefix + key);
      } catch {
        return null;
      }
    },
    async getAndDelete(key) {
      try {
        return await client.getDel(prefix + key);
      } catch {
        return null;
      }
    },
    async increment(key, ttl) {
      try {
        return Number(await client.eval(INCREMENT, { keys: [prefix + key], arguments: [String(Math.max(1, Math.ceil(ttl)))] }));
      } catch {
        // Fail open, as the rate limits do: one hit counted.
        return 1;
      }
    },
    async set(key, value, ttl) {
      try {
        if (ttl !== undefined && ttl > 0) await client.set(prefix + key, value, { expiration: { type: "EX", value: Math.ceil(ttl) } });
        else await client.set(prefix + key, value);
      } catch {
        // Not cached: readers go to PostgreSQL.
      }
    },
    async delete(key) {
      try {
        await client.del(prefix + key);
      } catch {
        if (pendingDeletes.size >= PENDING_DELETES_LIMIT) overflowed = true;
        else pendingDeletes.add(prefix + key);
      }
    },
  };
}
