// Redis, when REDIS_URL is set: one connection per instance, shared by the
// rate limits (counters every instance sees, so a limit holds however many
// instances a client spreads its attempts over), Better Auth's session cache
// (sessions/secondary-storage.ts) and the session revocations published to the
// resource-services (sessions/revocations.ts).
//
// Redis down means fail-open: requests are served without a limit, sessions
// are read from PostgreSQL, and the outage is logged once, because Redis is a
// shared cache and defence in depth here, never the source of truth; failing
// closed would turn a cache outage into a sign-in outage for everyone. The
// client does not queue commands while disconnected, so no request waits on a
// dead Redis.
//
// A Redis that stalls (connections open, nothing answers: a partition, a
// paused VM) is met by a deadline on every command (REDIS_COMMAND_TIMEOUT_MS):
// node-redis's own command timeout only covers the wait to be written to the
// socket, never the wait for the reply. The first command past its deadline
// marks Redis stalled: from then on commands fail at once (fail open, as for
// an outage) instead of each waiting out its deadline, while one PING waits
// for Redis to answer again; when it does, Redis is used again and the
// onReady listeners run, as after a reconnection.
import type { RequestHandler } from "express";
import type { Store } from "express-rate-limit";
import type { Logger } from "pino";
import { RedisStore } from "rate-limit-redis";
import { createClient } from "redis";

type RedisClient = ReturnType<typeof newClient>;

function newClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) },
  });
}

/** A command past REDIS_COMMAND_TIMEOUT_MS, or one refused at once because Redis is stalled. */
export class RedisStalledError extends Error {
  override name = "RedisStalledError";
}

export interface RedisConnection {
  /** The client. Commands fail at once (no offline queue) while Redis is unreachable; prefer `run`, which also bounds the wait for a reply. */
  readonly client: RedisClient;
  /**
   * Runs `command` on the client with the command deadline: rejects with a
   * RedisStalledError when Redis has not answered in time, or at once while
   * Redis is known to stall.
   */
  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T>;
  /** Every key this deployment writes starts with this (REDIS_KEY_PREFIX). */
  readonly keyPrefix: string;
  /** Calls `listener` every time the connection becomes ready again, after a start or an outage. */
  onReady(listener: () => void): void;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** Settles like `pending`, or rejects with `onTimeout()`'s error after `ms`. */
function within<T>(pending: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function connectRedis(url: string, keyPrefix: string, logger: Logger, commandTimeoutMs: number): RedisConnection {
  let down = false;
  let stalled = false;
  let closed = false;
  const readyListeners: Array<() => void> = [];
  const client = newClient(url);
  client.on("error", (error: unknown) => {
    if (!down) logger.warn({ err: error }, "Redis is unreachable: rate limits are not enforced and sessions are read from PostgreSQL until it returns");
    down = true;
  });
  client.on("ready", () => {
    if (down) logger.info("Redis is reachable again: rate limits are enforced and sessions cached");
    down = false;
    stalled = false;
    for (const listener of readyListeners) listener();
  });

  /** One PING at a time until Redis answers (it answers after every reply it owed). */
  function awaitAnswer(): void {
    client.ping().then(
      () => {
        if (!stalled) return;
        stalled = false;
        logger.info("Redis answers again: rate limits are enforced and sessions cached");
        for (const listener of readyListeners) listener();
      },
      () => {
        // Disconnected meanwhile: the "ready" of the reconnection ends the stall; until then, ask again.
        if (stalled && !closed) setTimeout(awaitAnswer, 250).unref();
      },
    );
  }

  function stall(): RedisStalledError {
    if (!stalled) {
      stalled = true;
      logger.warn({ timeoutMs: commandTimeoutMs }, "Redis does not answer in time: rate limits are not enforced and sessions are read from PostgreSQL until it answers");
      awaitAnswer();
    }
    return new RedisStalledError(`Redis did not answer within ${commandTimeoutMs} ms.`);
  }

  return {
    client,
    keyPrefix,
    run(command) {
      if (stalled) return Promise.reject(new RedisStalledError("Redis does not answer; the command was not sent."));
      return within(command(client), commandTimeoutMs, stall);
    },
    onReady(listener) {
      readyListeners.push(listener);
    },
    async connect() {
      // Never fails or holds up the start for long: the client keeps
      // reconnecting in the background, and everything fails open meanwhile.
      const connecting = client.connect().catch(() => undefined);
      await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
    async close() {
      closed = true;
      // quit() waits for a connection, which may never come while Redis is
      // down, and for an answer, which a stalled Redis never gives.
      if (client.isReady && !stalled) await within(client.quit(), commandTimeoutMs, () => new RedisStalledError("QUIT unanswered")).catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}

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
}

// INCR the window's counter, starting its expiry on the first hit; returns the count and the time left.
const CONSUME = `local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

export function createSharedLimits({ run, keyPrefix, onReady }: RedisConnection): SharedLimits {
  return {
    expressLimiter(prefix, build) {
      let current: RequestHandler | undefined;
      onReady(() => {
        current = undefined;
      });
      return (req, res, next) => {
        current ??= build(new RedisStore({ prefix: `${keyPrefix}${prefix}`, sendCommand: (...args: string[]) => run((redis) => redis.sendCommand(args)) }));
        return current(req, res, next);
      };
    },
    betterAuthStorage: {
      async consume(key, rule) {
        try {
          const [count, ttl] = (await run((redis) => redis.eval(CONSUME, { keys: [`${keyPrefix}better-auth:${key}`], arguments: [String(rule.window * 1000)] }))) as [number, number];
          return count <= rule.max ? { allowed: true, retryAfter: null } : { allowed: false, retryAfter: Math.max(1, Math.ceil(ttl / 1000)) };
        } catch {
          return { allowed: true, retryAfter: null };
        }
      },
    },
  };
}
