// Redis, when REDIS_URL is set: rate-limit counters shared by every instance,
// so a limit holds however many instances a client spreads its attempts over.
//
// Redis down means fail-open: requests are served without a limit (and the
// outage is logged once), because the limits are defence in depth on top of
// password hashing and the enumeration protection; failing closed would turn
// a cache outage into a sign-in outage for everyone. The client does not
// queue commands while disconnected, so no request waits on a dead Redis.
import type { RequestHandler } from "express";
import type { Store } from "express-rate-limit";
import type { Logger } from "pino";
import { RedisStore } from "rate-limit-redis";
import { createClient } from "redis";

export interface SharedLimits {
  /**
   * An express-rate-limit middleware on a Redis store, built by `build`. It is
   * built on first use and again whenever Redis (re)connects: the store loads
   * its script when it is created, and one created while Redis was away would
   * never recover.
   */
  expressLimiter(prefix: string, build: (store: Store) => RequestHandler): RequestHandler;
  /** Better Auth's rateLimit.customStorage. */
  betterAuthStorage: { consume(key: string, rule: { window: number; max: number }): Promise<{ allowed: boolean; retryAfter: number | null }> };
  connect(): Promise<void>;
  close(): Promise<void>;
}

// INCR the window's counter, starting its expiry on the first hit; returns the count and the time left.
const CONSUME = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export function createSharedLimits(url: string, keyPrefix: string, logger: Logger): SharedLimits {
  let down = false;
  const redis = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) },
  });
  redis.on("error", (error: unknown) => {
    if (!down) logger.warn({ err: error }, "Redis is unreachable: rate limits are not enforced until it returns");
    down = true;
  });
  redis.on("ready", () => {
    if (down) logger.info("Redis is reachable again: rate limits are enforced");
    down = false;
  });

  return {
    expressLimiter(prefix, build) {
      let current: RequestHandler | undefined;
      redis.on("ready", () => {
        current = undefined;
      });
      return (req, res, next) => {
        current ??= build(new RedisStore({ prefix: `${keyPrefix}${prefix}`, sendCommand: (...args: string[]) => redis.sendCommand(args) }));
        return current(req, res, next);
      };
    },
    betterAuthStorage: {
      async consume(key, rule) {
        try {
          const [count, ttl] = (await redis.eval(CONSUME, { keys: [`${keyPrefix}better-auth:${key}`], arguments: [String(rule.window * 1000)] })) as [number, number];
          return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.max(1, Math.ceil(ttl / 1000)) };
        } catch {
          return { allowed: true, retryAfter: null };
        }
      },
    },
    async connect() {
      // Never fails or holds up the start for long: the client keeps
      // reconnecting in the background, and the limits fail open meanwhile.
      const connecting = redis.connect().catch(() => undefined);
      await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
    async close() {
      // quit() waits for a connection, which may never come while Redis is down.
      if (redis.isReady) await redis.quit().catch(() => redis.destroy());
      else if (redis.isOpen) redis.destroy();
    },
  };
}
