// Sessions with Redis: Better Auth's secondaryStorage shared by two instances
// (a sign-out on one ends the session on the other at once), ended sessions
// published for the resource-services, and a Redis outage that loses neither
// a delete nor a revocation.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { CuttableProxy, eventually, freePort } from "@authbridge/devstack/testing";
import { decodeJwt } from "jose";
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const REDIS = "redis://127.0.0.1:6379";

async function signedIn(url: string): Promise<{ browser: Browser; sid: string }> {
  const browser = new Browser(url);
  const email = uniqueEmail("cache");
  await browser.signUp(email);
  expect((await browser.signIn(email)).status).toBe(200);
  const token = (await (await browser.request("/api/auth/token")).json()) as { token: string };
  return { browser, sid: String(decodeJwt(token.token).sid) };
}

/** The session token inside the signed session cookie (`<token>.<signature>`). */
function sessionToken(cookieHeader: string): string {
  const cookie = cookieHeader.split("; ").find((pair) => pair.startsWith("better-auth.session_token="));
  if (!cookie) throw new Error("no session cookie");
  return decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1)).split(".")[0] ?? "";
}

describe("sessions cached in Redis, shared by two instances", () => {
  const prefix = `authbridge-test-${randomBytes(6).toString("hex")}:`;
  const redis = createClient({ url: REDIS });
  const subscriber = createClient({ url: REDIS });
  const messages: string[] = [];
  let first: RunningAuthService;
  let second: RunningAuthService;
  beforeAll(async () => {
    await Promise.all([redis.connect(), subscriber.connect()]);
    await subscriber.subscribe(`${prefix}revoked-sessions`, (message) => messages.push(message));
    const env = { REDIS_URL: REDIS, REDIS_KEY_PREFIX: prefix, JWT_EXPIRES_IN_SECONDS: "300" };
    first = await startAuthService(env);
    second = await startAuthService(env, first.database);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
    await subscriber.quit();
    await redis.quit();
  });

  it("keeps the session in Redis and in PostgreSQL, and serves it from either instance", async () => {
    const { browser, sid } = await signedIn(first.url);
    const cached = await redis.keys(`${prefix}session-cache:*`);
    expect(cached.length).toBeGreaterThan(0);
    expect(await first.service.db.prisma.session.count({ where: { id: sid } })).toBe(1);
    const response = await fetch(`${second.url}/api/auth/token`, { headers: { cookie: browser.cookieHeader, origin: second.url } });
    expect(response.status).toBe(200);
  });

  it("a sign-out on one instance ends the session on the other, and publishes the session id with the time its tokens run out", async () => {
    const { browser, sid } = await signedIn(first.url);
    const cookie = browser.cookieHeader;
    const before = Date.now();
    expect((await browser.request("/api/auth/sign-out", { method: "POST", json: {} })).status).toBe(200);

    const onSecond = await fetch(`${second.url}/api/auth/token`, { headers: { cookie, origin: second.url } });
    expect(onSecond.status).toBe(401);
    const score = await redis.zScore(`${prefix}revoked-sessions`, sid);
    // Token lifetime (300 s) plus the verifiers' clock leeway (60 s).
    expect(score).toBeGreaterThanOrEqual(before + 360_000);
    expect(score).toBeLessThanOrEqual(Date.now() + 360_000);
    await eventually(async () => messages.some((message) => (JSON.parse(message) as { sid: string }).sid === sid), "the revocation message");
    expect(await first.service.db.prisma.session.count({ where: { id: sid } })).toBe(0);
  });

  it("announces every session a bulk revocation ends, beyond Better Auth's default read limit of 100", async () => {
    const email = uniqueEmail("many");
    const browser = new Browser(first.url);
    await browser.signUp(email);
    expect((await browser.signIn(email)).status).toBe(200);
    const user = await first.service.db.prisma.user.findUniqueOrThrow({ where: { email } });
    const expiresAt = new Date(Date.now() + 86_400_000);
    const extra = Array.from({ length: 150 }, (_, index) => ({
      id: `bulk-${process.pid}-${index}-${randomBytes(4).toString("hex")}`,
      token: randomBytes(24).toString("base64url"),
      userId: user.id,
      expiresAt,
      createdAt: new Date(),
      updatedAt: new Date(),
    }));
    await first.service.db.prisma.session.createMany({ data: extra });

    expect((await browser.request("/api/auth/revoke-sessions", { method: "POST", json: {} })).status).toBe(200);
    const announced = await redis.zmScore(`${prefix}revoked-sessions`, extra.map((session) => session.id));
    expect(announced.filter((score) => score !== null)).toHaveLength(150);
  });
});

describe("sessions while Redis is unreachable", () => {
  const prefix = `authbridge-test-${randomBytes(6).toString("hex")}:`;
  const redis = createClient({ url: REDIS });
  let proxy: CuttableProxy;
  let running: RunningAuthService;
  beforeAll(async () => {
    await redis.connect();
    proxy = new CuttableProxy(await freePort(), { host: "127.0.0.1", port: 6379 });
    await proxy.up();
    running = await startAuthService({ REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await running.stop();
    await proxy.down();
    await redis.quit();
  });

  it("signs in and issues tokens from PostgreSQL, and neither the cache delete nor the revocation of a sign-out is lost", async () => {
    const { browser, sid } = await signedIn(running.url);
    const cookie = browser.cookieHeader;
    const cacheKey = `${prefix}session-cache:${sessionToken(cookie)}`;
    expect(await redis.exists(cacheKey)).toBe(1);

    await proxy.down();
    // Served from PostgreSQL: a token, a sign-out, and then no token for the ended session.
    expect((await browser.request("/api/auth/token")).status).toBe(200);
    expect((await browser.request("/api/auth/sign-out", { method: "POST", json: {} })).status).toBe(200);
    expect((await fetch(`${running.url}/api/auth/token`, { headers: { cookie, origin: running.url } })).status).toBe(401);
    // While the instance cannot reach Redis, Redis still holds the stale entry and no revocation.
    expect(await redis.exists(cacheKey)).toBe(1);
    expect(await redis.zScore(`${prefix}revoked-sessions`, sid)).toBeNull();

    await proxy.up();
    await eventually(async () => (await redis.zScore(`${prefix}revoked-sessions`, sid)) !== null, "the deferred revocation");
    await eventually(async () => (await redis.exists(cacheKey)) === 0, "the flush of the session cache");
    expect(running.logs.filter((line) => line.includes("Redis is unreachable"))).toHaveLength(1);
    expect(running.logs.filter((line) => line.includes("the session cache was flushed"))).toHaveLength(1);
  });

  it("never revives a session that a bulk revocation ended during the outage (Better Auth reads that list from the cache)", async () => {
    const email = uniqueEmail("bulk");
    const current = new Browser(running.url);
    await current.signUp(email);
    expect((await current.signIn(email)).status).toBe(200);
    const other = new Browser(running.url);
    expect((await other.signIn(email)).status).toBe(200);
    expect((await other.request("/api/auth/token")).status).toBe(200);
    const otherKey = `${prefix}session-cache:${sessionToken(other.cookieHeader)}`;
    expect(await redis.exists(otherKey)).toBe(1);

    await proxy.down();
    expect((await current.request("/api/auth/revoke-other-sessions", { method: "POST", json: {} })).status).toBe(200);
    expect((await other.request("/api/auth/token")).status).toBe(401);
    await proxy.up();
    await eventually(async () => (await redis.exists(otherKey)) === 0, "the flush of the session cache");
    expect((await other.request("/api/auth/token")).status).toBe(401);
    expect((await current.request("/api/auth/token")).status).toBe(200);
  });
});
