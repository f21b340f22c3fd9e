// A PostgreSQL that stalls rather than stops: every process of a cluster of
// this suite's own is frozen (SIGSTOP), so connections stay open and nothing
// answers. Every request sent meanwhile is answered within the database's
// deadlines, as 503 database_unavailable, never as an authentication failure;
// after the thaw (SIGCONT) the pool recovers by itself, and no connection is
// left behind.
import {
  createTestDatabase,
  eventually,
  forkService,
  freePort,
  freezableProcess,
  reportAnswers,
  signedInCookie,
  startPrivatePostgres,
  startPrivateRedis,
  stopService,
  timedRequest,
  type Freezable,
  type PrivatePostgres,
  type PrivateRedis,
  type TimedAnswer,
  type TestDatabase,
} from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { generateKeyPair, SignJWT } from "jose";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { AUDIENCE, call, startResourceService, type RunningResourceService } from "./helpers.js";

// Shorter than the defaults (3,000 / 5,000 / 6,000, and 30,000 for the request), to keep the suite quick.
const CONNECT_MS = 1_000;
const QUERY_MS = 1_500;
const REQUEST_MS = 4_000;
const SLACK_MS = 750;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A request the test gives up on (later than any deadline of the service) counts as status 0. */
const timed = (what: string, send: (signal: AbortSignal) => Promise<Response>) => timedRequest(what, send, REQUEST_MS + 5_000);

describe("the resource-service while its PostgreSQL is frozen", () => {
  let postgres: PrivatePostgres;
  let databaseUrl: string;
  let issuer: TestIssuer;
  let api: RunningResourceService;
  let token: string;
  let postId: string;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    databaseUrl = await postgres.createDatabase("resource-service");
    issuer = await startTestIssuer({ audience: AUDIENCE });
    api = await startResourceService(
      issuer,
      {
        DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_MS),
        DATABASE_STATEMENT_TIMEOUT_MS: "1000",
        DATABASE_QUERY_TIMEOUT_MS: String(QUERY_MS),
        REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      },
      { url: databaseUrl, adminUrl: postgres.adminUrl, name: "stall", drop: async () => undefined },
    );
    token = await issuer.mint({ sub: "stall-user", email: "stall@example.com", name: "Stall" });
    const created = await call(api, "/api/v1/posts", { token, json: { title: "frozen", body: "not for long", visibility: "public" } });
    expect(created.status).toBe(201);
    postId = ((await created.json()) as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    postgres?.thaw();
    // A pool stuck on an unanswered query (the defect these tests catch) must not keep the cluster running.
    await Promise.race([api?.stop(), sleep(10_000)]);
    await issuer?.stop();
    await postgres?.stop();
  });

  /** Fills the pool with idle connections, as traffic would. */
  async function warm(): Promise<void> {
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(api, `/api/v1/posts/${postId}`, { token })));
    expect(answers.map((response) => response.status)).toEqual(Array(6).fill(200));
  }

  it(
    "answers every request sent during the stall within the database's deadlines, 503 database_unavailable and never 401, and serves again within a second of the thaw",
    async () => {
      await warm();
      expect(await postgres.freeze()).toBeGreaterThan(1);
      let answers: TimedAnswer[];
      try {
        answers = await Promise.all([
          // More than the pool holds (10): some wait for a connection, some are stuck on pooled ones.
          ...Array.from({ length: 12 }, (_, i) => timed(`GET /api/v1/posts/:id #${i + 1}`, (signal) => fetch(`${api.url}/api/v1/posts/${postId}`, { headers: { authorization: `Bearer ${token}` }, signal }))),
          timed("GET /api/v1/posts", (signal) => fetch(`${api.url}/api/v1/posts`, { signal })),
          timed("GET /api/v1/users/me", (signal) => fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` }, signal })),
          timed("POST /api/v1/posts", (signal) =>
            fetch(`${api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ title: "t", body: "b" }), signal }),
          ),
          timed("GET /readyz", (signal) => fetch(`${api.url}/readyz`, { signal })),
        ]);
        // A request that comes once the pool has given up on its stuck connections.
        answers.push(await timed("GET /api/v1/posts/:id, later", (signal) => fetch(`${api.url}/api/v1/posts/${postId}`, { headers: { authorization: `Bearer ${token}` }, signal })));
      } finally {
        postgres.thaw();
      }
      const thawed = performance.now();
      reportAnswers("resource-service, PostgreSQL frozen", answers);

      for (const answer of answers) {
        expect({ what: answer.what, status: answer.status, code: answer.code, retryAfter: answer.retryAfter }).toEqual({
          what: answer.what,
          status: 503,
          code: "database_unavailable",
          retryAfter: "5",
        });
        expect({ what: answer.what, withinDeadline: answer.ms <= CONNECT_MS + QUERY_MS + SLACK_MS }).toEqual({ what: answer.what, withinDeadline: true });
      }

      await eventually(async () => (await call(api, `/api/v1/posts/${postId}`, { token })).status === 200, "the post is served again", 1_000);
      expect(performance.now() - thawed).toBeLessThan(1_000);
      expect((await call(api, "/readyz")).status).toBe(200);
    },
    30_000,
  );

  it("closes a connection whose query went unanswered: it never goes back to the pool, and its server process ends after the thaw", async () => {
    await warm();
    const { pool } = api.service.db;
    // Checked out and handed back by its holder, as Kysely (Better Auth) and Prisma's transactions do.
    const client = await pool.connect();
    const held = pool.totalCount;
    await postgres.freeze();
    try {
      const outcome = await Promise.race([
        client.query("SELECT 1").then(
          () => "answered",
          (error: unknown) => (error as Error).message,
        ),
        sleep(QUERY_MS + 3_000).then(() => "no answer"),
      ]);
      expect(outcome).toBe("Query read timeout");
      client.release();
      expect(pool.totalCount).toBe(held - 1);
    } finally {
      postgres.thaw();
    }
    // Every server process left belongs to a connection the pool still holds.
    await eventually(async () => (await postgres.connections(databaseUrl)) === pool.totalCount, "the closed connections' server processes ended", 5_000);
  });

  it("leaks no connection over a stall: the server's client connections are the pool's own, at most its size", async () => {
    await warm();
    await postgres.freeze();
    try {
      await Promise.all(Array.from({ length: 12 }, () => timed("GET", (signal) => fetch(`${api.url}/api/v1/posts/${postId}`, { headers: { authorization: `Bearer ${token}` }, signal }))));
    } finally {
      postgres.thaw();
    }
    await warm();
    const { pool } = api.service.db;
    await eventually(async () => (await postgres.connections(databaseUrl)) === pool.totalCount, "the server holds only the pool's connections", 5_000);
    expect(pool.totalCount).toBeLessThanOrEqual(10);
  });
});

describe("the resource-service while the auth-service process is frozen", () => {
  const JWKS_TIMEOUT_MS = 1_000;
  let authDatabase: TestDatabase;
  let authProcess: ChildProcess;
  let authUrl: string;
  let frozen: Freezable;
  let api: RunningResourceService;
  let tokens: string[];

  beforeAll(async () => {
    authDatabase = await createTestDatabase("auth-service");
    authUrl = `http://127.0.0.1:${await freePort()}`;
    authProcess = await forkService("auth-service", {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: "warn",
        HOST: "127.0.0.1",
        PORT: new URL(authUrl).port,
        DATABASE_URL: authDatabase.url,
        BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
        BETTER_AUTH_URL: authUrl,
        JWT_AUDIENCE: AUDIENCE,
        AUTH_RATE_LIMIT_MAX: "1000",
      },
    });
    frozen = freezableProcess(authProcess.pid as number);
    api = await startResourceService({ issuer: authUrl }, { AUTH_JWKS_TIMEOUT_MS: String(JWKS_TIMEOUT_MS), AUTH_JWKS_COOLDOWN_SECONDS: "1" });
    tokens = [];
    for (const user of ["first", "second"]) {
      const cookie = await signedInCookie(authUrl, `${user}.${randomBytes(4).toString("hex")}@example.com`);
      const response = await fetch(`${authUrl}/api/auth/token`, { headers: { cookie, origin: authUrl } });
      tokens.push(((await response.json()) as { token: string }).token);
    }
  }, 90_000);

  afterAll(async () => {
    frozen?.thaw();
    await api?.stop();
    if (authProcess) await stopService(authProcess);
    await authDatabase?.drop();
  });

  /** A token in the auth-service's name, signed with a key it never published. */
  async function unknownKidToken(): Promise<string> {
    const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    return new SignJWT({ sub: "nobody" })
      .setProtectedHeader({ alg: "EdDSA", kid: randomBytes(8).toString("hex"), typ: "at+jwt" })
      .setIssuer(authUrl)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  }

  it("verifies with the keys it holds, and answers an unknown key within the JWKS timeout", async () => {
    const [first = "", second = ""] = tokens;
    expect((await call(api, "/api/v1/users/me", { token: first })).status).toBe(200);
    // Wait out the JWKS cooldown (1 s), so that the unknown kid below makes the verifier ask the frozen auth-service.
    await sleep(1_100);
    await frozen.freeze();
    let answers: TimedAnswer[];
    try {
      answers = await Promise.all([
        timed("GET /api/v1/users/me, known token", (signal) => fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${first}` }, signal })),
        timed("GET /api/v1/users/me, token not seen yet", (signal) => fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${second}` }, signal })),
        unknownKidToken().then((token) => timed("GET /api/v1/users/me, unknown kid", (signal) => fetch(`${api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` }, signal }))),
        timed("GET /readyz", (signal) => fetch(`${api.url}/readyz`, { signal })),
      ]);
    } finally {
      frozen.thaw();
    }
    reportAnswers("resource-service, auth-service frozen", answers);
    const [known, unseen, unknown, ready] = answers;
    expect([known?.status, unseen?.status, ready?.status]).toEqual([200, 200, 200]);
    expect(Math.max(known?.ms ?? Infinity, unseen?.ms ?? Infinity, ready?.ms ?? Infinity)).toBeLessThan(SLACK_MS);
    // The issuer could not be asked, so the unknown kid may be a key created since: 503, never "signed out" (verifier/test/key-set.test.ts).
    expect({ status: unknown?.status, code: unknown?.code }).toEqual({ status: 503, code: "auth_unavailable" });
    expect(unknown?.ms).toBeLessThanOrEqual(JWKS_TIMEOUT_MS + SLACK_MS);
  }, 30_000);
});

describe("the resource-service while the Redis of its revocation feed is frozen", () => {
  let redis: PrivateRedis;
  let issuer: TestIssuer;
  let api: RunningResourceService | undefined;
  const prefix = "stall:";

  beforeAll(async () => {
    redis = await startPrivateRedis();
    issuer = await startTestIssuer({ audience: AUDIENCE });
    api = await startResourceService(issuer, { AUTH_REVOCATION_REDIS_URL: redis.url, AUTH_REVOCATION_KEY_PREFIX: prefix });
  }, 60_000);

  afterAll(async () => {
    redis?.thaw();
    await api?.stop();
    await issuer?.stop();
    await redis?.stop();
  });

  it("serves requests as before (revocations are checked in memory), takes in a revocation published after the thaw, and still stops promptly while frozen", async () => {
    const running = api as RunningResourceService;
    const token = await issuer.mint({ sub: "feed-user", sid: "session-during-stall" });
    expect((await call(running, "/api/v1/users/me", { token })).status).toBe(200);
    await redis.freeze();
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => timed("GET /api/v1/users/me", (signal) => fetch(`${running.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` }, signal }))));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(SLACK_MS);
    } finally {
      redis.thaw();
    }
    // A revocation published right after the thaw reaches the feed.
    const publisher = createClient({ url: redis.url });
    await publisher.connect();
    const until = Date.now() + 600_000;
    await publisher.zAdd(`${prefix}revoked-sessions`, { score: until, value: "session-during-stall" });
    await publisher.publish(`${prefix}revoked-sessions`, JSON.stringify({ sid: "session-during-stall", until }));
    await publisher.quit();
    await eventually(async () => (await call(running, "/api/v1/users/me", { token })).status === 401, "the revocation to be applied", 3_000);

    await redis.freeze();
    const started = performance.now();
    try {
      await running.stop();
      api = undefined;
    } finally {
      redis.thaw();
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 30_000);
});
