// Dependencies that stall rather than stop: the processes of a PostgreSQL
// cluster and of a redis-server of this suite's own are frozen (SIGSTOP), so
// connections stay open and nothing answers, then thawed (SIGCONT).
// - PostgreSQL frozen: every request is answered within the database's
//   deadlines, 503 database_unavailable, and never 401: a session the store
//   could not look up has not ended.
// - Redis frozen: everything is served from PostgreSQL within the Redis
//   command deadline (rate limits fail open), and what Redis missed (a
//   revocation, the session cache's deletes) is caught up after the thaw.
// Both: served normally within a second of the thaw, no connection left behind.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { eventually, reportAnswers, startPrivatePostgres, startPrivateRedis, timedRequest, type PrivatePostgres, type PrivateRedis, type TimedAnswer } from "@authbridge/devstack/testing";
import { decodeJwt } from "jose";
import { createClient } from "redis";
import { Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

// Shorter than the defaults (3,000 / 5,000 / 6,000, 30,000 for the request and 1,000 for Redis), to keep the suite quick.
const DEADLINES = {
  DATABASE_CONNECT_TIMEOUT_MS: "1000",
  DATABASE_STATEMENT_TIMEOUT_MS: "1000",
  DATABASE_QUERY_TIMEOUT_MS: "1500",
  REQUEST_TIMEOUT_MS: "4000",
};
const DATABASE_BUDGET_MS = 1_000 + 1_500;
const REDIS_TIMEOUT_MS = 300;
const SLACK_MS = 1_000;
const REDIS_SLACK_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

const timed = (what: string, send: (signal: AbortSignal) => Promise<Response>) => timedRequest(what, send);

/** A request as a browser sends it (cookie, Origin), through fetch with `signal`. */
function browserRequest(browser: Browser, base: string, path: string, init: { method?: string; json?: unknown } = {}) {
  return (signal: AbortSignal) =>
    fetch(`${base}${path}`, {
      method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
      headers: { origin: base, cookie: browser.cookieHeader, ...(init.json !== undefined ? { "content-type": "application/json" } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      signal,
    });
}

async function signedIn(url: string): Promise<{ browser: Browser; email: string }> {
  const browser = new Browser(url);
  const email = uniqueEmail("stall");
  expect((await browser.signUp(email)).status).toBe(200);
  expect((await browser.signIn(email)).status).toBe(200);
  return { browser, email };
}

describe("the auth-service while its PostgreSQL is frozen", () => {
  let postgres: PrivatePostgres;
  let databaseUrl: string;
  let auth: RunningAuthService;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    databaseUrl = await postgres.createDatabase("auth-service");
    auth = await startAuthService(DEADLINES, { url: databaseUrl, adminUrl: postgres.adminUrl, name: "stall", drop: async () => undefined });
  }, 60_000);

  afterAll(async () => {
    postgres?.thaw();
    await Promise.race([auth?.stop(), sleep(10_000)]);
    await postgres?.stop();
  });

  it(
    "answers every request within the database's deadlines, 503 database_unavailable with Retry-After and never 401, and serves again within a second of the thaw",
    async () => {
      const { browser, email } = await signedIn(auth.url);
      // Pooled connections, as traffic leaves them.
      const warm = await Promise.all(Array.from({ length: 4 }, () => browser.request("/api/auth/token")));
      expect(warm.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      const stranger = new Browser(auth.url);

      expect(await postgres.freeze()).toBeGreaterThan(1);
      let answers: TimedAnswer[];
      try {
        answers = await Promise.all([
          ...Array.from({ length: 4 }, (_, i) => timed(`GET /api/auth/token #${i + 1}`, browserRequest(browser, auth.url, "/api/auth/token"))),
          timed("GET /api/auth/get-session", browserRequest(browser, auth.url, "/api/auth/get-session")),
          timed("GET /api/auth/list-sessions", browserRequest(browser, auth.url, "/api/auth/list-sessions")),
          timed("POST /api/auth/sign-in/email", browserRequest(stranger, auth.url, "/api/auth/sign-in/email", { json: { email, password: "correct horse battery staple" } })),
          timed("POST /api/auth/sign-up/email", browserRequest(stranger, auth.url, "/api/auth/sign-up/email", { json: { email: uniqueEmail("frozen"), password: "correct horse battery staple", name: "Frozen" } })),
          timed("GET /readyz", (signal) => fetch(`${auth.url}/readyz`, { signal })),
        ]);
        // Once the pool has given up on its stuck connections.
        answers.push(await timed("GET /api/auth/token, later", browserRequest(browser, auth.url, "/api/auth/token")));
      } finally {
        postgres.thaw();
      }
      const thawed = performance.now();
      reportAnswers("auth-service, PostgreSQL frozen", answers);

      for (const answer of answers) {
        expect({ what: answer.what, status: answer.status, code: answer.code, retryAfter: answer.retryAfter }).toEqual({
          what: answer.what,
          status: 503,
          code: "database_unavailable",
          retryAfter: "5",
        });
        expect({ what: answer.what, withinDeadline: answer.ms <= DATABASE_BUDGET_MS + SLACK_MS }).toEqual({ what: answer.what, withinDeadline: true });
      }

      await eventually(async () => (await browser.request("/api/auth/token")).status === 200, "a token for the same session", 1_000);
      expect(performance.now() - thawed).toBeLessThan(1_000);
      expect((await fetch(`${auth.url}/readyz`)).status).toBe(200);
      const { pool } = auth.service.db;
      await eventually(async () => (await postgres.connections(databaseUrl)) === pool.totalCount, "the server holds only the pool's connections", 5_000);
      expect(pool.totalCount).toBeLessThanOrEqual(10);
    },
    40_000,
  );

  it("still answers 401 when the store answers that there is no such session", async () => {
    const { browser } = await signedIn(auth.url);
    const ended = browser.cookieHeader;
    expect((await browser.request("/api/auth/sign-out", { json: {} })).status).toBe(200);
    const response = await fetch(`${auth.url}/api/auth/token`, { headers: { origin: auth.url, cookie: ended } });
    expect(response.status).toBe(401);
  });
});

describe("the auth-service while its Redis is frozen", () => {
  let redis: PrivateRedis;
  let auth: RunningAuthService;
  const prefix = "stall:";
  const subscriber = () => createClient({ url: redis.url });
  let listener: ReturnType<typeof subscriber>;
  const messages: string[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    listener = subscriber();
    await listener.connect();
    await listener.subscribe(`${prefix}revoked-sessions`, (message) => messages.push(message));
    auth = await startAuthService({ ...DEADLINES, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: String(REDIS_TIMEOUT_MS) });
  }, 60_000);

  afterAll(async () => {
    redis?.thaw();
    await Promise.race([auth?.stop(), sleep(10_000)]);
    await listener?.quit().catch(() => undefined);
    await redis?.stop();
  });

  it(
    "serves from PostgreSQL within the Redis deadline (rate limits fail open), never 401, and catches up on what Redis missed after the thaw",
    async () => {
      const { browser } = await signedIn(auth.url);
      const { browser: leaving } = await signedIn(auth.url);
      const leavingSid = String(decodeJwt(((await (await leaving.request("/api/auth/token")).json()) as { token: string }).token).sid);
      const staleCookie = leaving.cookieHeader;
      const { email } = await signedIn(auth.url);
      const stranger = new Browser(auth.url);

      await redis.freeze();
      let answers: TimedAnswer[];
      try {
        answers = await Promise.all([
          ...Array.from({ length: 3 }, (_, i) => timed(`GET /api/auth/token #${i + 1}`, browserRequest(browser, auth.url, "/api/auth/token"))),
          timed("GET /api/auth/get-session", browserRequest(browser, auth.url, "/api/auth/get-session")),
          timed("POST /api/auth/sign-in/email", browserRequest(stranger, auth.url, "/api/auth/sign-in/email", { json: { email, password: "correct horse battery staple" } })),
          timed("POST /api/auth/sign-up/email", browserRequest(new Browser(auth.url), auth.url, "/api/auth/sign-up/email", { json: { email: uniqueEmail("frozen-redis"), password: "correct horse battery staple", name: "F" } })),
          timed("POST /api/auth/sign-out", browserRequest(leaving, auth.url, "/api/auth/sign-out", { json: {} })),
          timed("GET /readyz", (signal) => fetch(`${auth.url}/readyz`, { signal })),
        ]);
        answers.push(await timed("GET /api/auth/token, later", browserRequest(browser, auth.url, "/api/auth/token")));
      } finally {
        redis.thaw();
      }
      const thawed = performance.now();
      reportAnswers("auth-service, Redis frozen", answers);

      for (const answer of answers) {
        expect({ what: answer.what, status: answer.status }).toEqual({ what: answer.what, status: 200 });
        // Hashing a password (scrypt) alone can take seconds on a busy machine: those get the request's deadline.
        const limit = /sign-(in|up)/.test(answer.what) ? Number(DEADLINES.REQUEST_TIMEOUT_MS) : REDIS_TIMEOUT_MS + REDIS_SLACK_MS;
        expect({ what: answer.what, withinDeadline: answer.ms <= limit }).toEqual({ what: answer.what, withinDeadline: true });
      }

      // Served with Redis again within a second of the thaw.
      await eventually(
        async () => (await browser.request("/api/auth/token")).status === 200 && auth.logs.some((line) => line.includes("the session cache was flushed after a Redis failure")),
        "Redis in use again",
        1_000,
      );
      expect(performance.now() - thawed).toBeLessThan(1_000);
      // The revocation Redis could not take is published, and the ended session stays ended.
      await eventually(async () => messages.some((message) => message.includes(leavingSid)), "the deferred revocation", 6_000);
      const stale = await fetch(`${auth.url}/api/auth/token`, { headers: { origin: auth.url, cookie: staleCookie } });
      expect(stale.status).toBe(401);
    },
    40_000,
  );
});
