// The revocation feed over Redis: what the auth-service publishes when a
// session ends (see auth-service/src/sessions/revocations.ts), kept in a
// RevocationList that the verifier's `isRevoked` hook reads on every request.
//
// On every (re)connection the feed subscribes first and then loads the whole
// sorted set, so a revocation published while it was disconnected is caught
// up at once: nothing depends on having heard every message. While Redis is
// unreachable the list keeps what it has (fail-open for the sessions ended
// meanwhile, bounded by the token lifetime); the outage and the recovery are
// logged once each.
import { createClient } from "redis";
import type { VerifierLogger } from "../core/logger.js";
import type { Principal } from "../core/principal.js";
import { RevocationList } from "./revocation-list.js";

export interface RedisRevocationsOptions {
  /** redis:// or rediss:// URL of the Redis the auth-service publishes to (its REDIS_URL). */
  url: string;
  /** The auth-service's REDIS_KEY_PREFIX (default "authbridge:"). */
  keyPrefix?: string;
  /** See RevocationList. */
  maxEntries?: number;
  /** The verifier's clockToleranceSeconds (see RevocationList). */
  clockToleranceSeconds?: number;
  logger?: VerifierLogger;
  now?: () => number;
}

export interface RevocationFeedStats {
  /** Sessions currently refused. */
  entries: number;
  /** Entries dropped because the list was full. */
  evicted: number;
  /** Whether the subscription is live. */
  connected: boolean;
  /** Full loads of the sorted set (one per connection). */
  syncs: number;
}

export interface RevocationFeed {
  /** For createVerifier({ isRevoked }). Synchronous, no I/O. */
  isRevoked(principal: Principal): boolean;
  /** Connects and loads the current revocations; waits at most `timeoutMs` (default 2 s), then goes on connecting in the background. */
  connect(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  stats(): RevocationFeedStats;
}

interface Announcement {
  sid: string;
  until: number;
}

function parseAnnouncement(message: string): Announcement | undefined {
  try {
    const value = JSON.parse(message) as Partial<Announcement>;
    if (typeof value.sid === "string" && value.sid !== "" && typeof value.until === "number" && Number.isFinite(value.until)) return { sid: value.sid, until: value.until };
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}

function newClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) },
  });
}

/**
 * Follows the auth-service's session revocations through Redis.
 *
 * @example
 * const revocations = redisRevocations({ url: process.env.AUTH_REVOCATION_REDIS_URL });
 * await revocations.connect();
 * const verifier = createVerifier({ issuer, audience, isRevoked: revocations.isRevoked });
 */
export function redisRevocations(options: RedisRevocationsOptions): RevocationFeed {
  const key = `${options.keyPrefix ?? "authbridge:"}revoked-sessions`;
  const now = options.now ?? Date.now;
  const list = new RevocationList({
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    ...(options.clockToleranceSeconds !== undefined ? { clockToleranceSeconds: options.clockToleranceSeconds } : {}),
    now,
  });
  const commands = newClient(options.url);
  const subscriber = commands.duplicate();
  let down = false;
  let syncs = 0;
  let reportedEvictions = 0;
  let syncing: Promise<void> | undefined;
  let closed = false;
  // Loads start only once the first SUBSCRIBE is in place (node-redis renews
  // it on every reconnection), so nothing published meanwhile is missed.
  let subscribed = false;
  let loadFailed = false;

  const onError = (error: unknown) => {
    if (!down) options.logger?.warn({ err: error }, "the session revocation feed (Redis) is unreachable: sessions ended from now on are refused once it returns");
    down = true;
  };
  commands.on("error", onError);
  subscriber.on("error", onError);

  function add(announcement: Announcement): void {
    list.add(announcement.sid, announcement.until);
    if (list.evicted > reportedEvictions) {
      options.logger?.warn({ evicted: list.evicted - reportedEvictions, maxEntries: list.maxEntries }, "the revocation list is full: the revocations closest to expiry were dropped");
      reportedEvictions = list.evicted;
    }
  }

  async function load(): Promise<void> {
    if (!subscribed || !commands.isReady || !subscriber.isReady) return;
    try {
      const members = await commands.zRangeWithScores(key, String(now()), "+inf", { BY: "SCORE" });
      for (const { value, score } of members) add({ sid: String(value), until: score });
      syncs += 1;
      loadFailed = false;
      if (down) options.logger?.info({ entries: list.size }, "the session revocation feed (Redis) is reachable again; revocations caught up");
      down = false;
    } catch (error: unknown) {
      loadFailed = true;
      onError(error);
    }
  }

  /** Loads every revocation still in force; one load at a time, or a fresh one after the one under way. */
  function sync(fresh = false): Promise<void> {
    const next = (): Promise<void> => {
      const started = load();
      syncing = started;
      void started.finally(() => {
        if (syncing === started) syncing = undefined;
      });
      return started;
    };
    if (!syncing) return next();
    return fresh ? syncing.then(next) : syncing;
  }
  commands.on("ready", () => void sync(true));
  subscriber.on("ready", () => void sync(true));

  const pruning = setInterval(() => list.prune(), 60_000);
  pruning.unref();
  // A load that failed while both connections stayed up (no "ready" to come) is retried.
  const retrying = setInterval(() => {
    if (loadFailed) void sync();
  }, 5_000);
  retrying.unref();

  return {
    isRevoked: list.isRevoked,
    async connect(timeoutMs = 2_000) {
      const connecting = (async () => {
        await Promise.all([commands.connect(), subscriber.connect()]);
        await subscriber.subscribe(key, (message) => {
          const announcement = parseAnnouncement(message);
          if (announcement) add(announcement);
        });
        subscribed = true;
        await sync(true);
      })().catch((error: unknown) => onError(error));
      await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(pruning);
      clearInterval(retrying);
      await Promise.all(
        [commands, subscriber].map(async (client) => {
          if (client.isReady) await client.close().catch(() => client.destroy());
          else if (client.isOpen) client.destroy();
        }),
      );
    },
    stats: () => ({ entries: list.size, evicted: list.evicted, connected: subscriber.isReady && !down, syncs }),
  };
}
