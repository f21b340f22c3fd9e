// Sessions that end: with AUTH_REVOCATION_REDIS_URL set, a token whose
// session was signed out at the (real) auth-service is refused before it
// expires, by an instance that heard it live, by one that started later, and
// by one that was cut off from Redis when it happened (once it reconnects).
import { configErrorMessage, CuttableProxy, eventually, freePort, signedInCookie, startServices, type RunningServices } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { ConfigError, loadConfig } from "../src/config.js";
import { call, expectProblem, startResourceService, type RunningResourceService } from "./helpers.js";

const REDIS = "redis://127.0.0.1:6379";

describe("revocation settings", () => {
  const base = { DATABASE_URL: "postgres://u:p@db:5432/x", AUTH_ISSUER: "https://auth.example.com", AUTH_AUDIENCE: "https://api.example.com" };

  it("are off unless AUTH_REVOCATION_REDIS_URL is set", () => {
    expect(loadConfig(base).auth.revocations).toBeUndefined();
    expect(loadConfig({ ...base, AUTH_REVOCATION_REDIS_URL: "" }).auth.revocations).toBeUndefined();
    expect(loadConfig({ ...base, AUTH_REVOCATION_REDIS_URL: "rediss://cache:6380" }).auth.revocations).toEqual({ url: "rediss://cache:6380", keyPrefix: "authbridge:", maxEntries: 100_000 });
  });

  it("refuse what cannot work, with a full sentence", () => {
    expect(configErrorMessage(() => loadConfig({ ...base, AUTH_REVOCATION_REDIS_URL: "http://cache:6379" }), ConfigError)).toContain(
      "AUTH_REVOCATION_REDIS_URL must be a redis:// or rediss:// URL.",
    );
    expect(configErrorMessage(() => loadConfig({ ...base, AUTH_REVOCATION_KEY_PREFIX: "has space:" }), ConfigError)).toContain(
      "AUTH_REVOCATION_KEY_PREFIX must be at most 64 printable characters without spaces.",
    );
  });
});

describe("refusing the tokens of ended sessions (opt-in, Redis)", () => {
  const prefix = `authbridge-test-${randomBytes(6).toString("hex")}:`;
  const feed = { AUTH_REVOCATION_REDIS_URL: REDIS, AUTH_REVOCATION_KEY_PREFIX: prefix };
  let stack: RunningServices;
  const extra: RunningResourceService[] = [];
  let proxy: CuttableProxy;

  beforeAll(async () => {
    stack = await startServices({ auth: { REDIS_URL: REDIS, REDIS_KEY_PREFIX: prefix }, api: feed });
    proxy = new CuttableProxy(await freePort(), { host: "127.0.0.1", port: 6379 });
    await proxy.up();
  });
  afterAll(async () => {
    await Promise.all(extra.map((api) => api.stop()));
    await proxy.down();
    await stack.stop();
  });

  async function session(email: string): Promise<{ cookie: string; token: string }> {
    const cookie = await signedInCookie(stack.authUrl, email);
    const response = await fetch(`${stack.authUrl}/api/auth/token`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return { cookie, token: ((await response.json()) as { token: string }).token };
  }

  const signOut = async (cookie: string) => {
    const response = await fetch(`${stack.authUrl}/api/auth/sign-out`, { method: "POST", headers: { cookie, origin: stack.authUrl, "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(200);
  };

  const me = (api: { url: string }, token: string) => call(api, "/api/v1/users/me", { token });

  it("refuses a signed-out session's token with 401 invalid_token, and keeps accepting the user's other sessions", async () => {
    const email = `revoked-${randomBytes(4).toString("hex")}@example.com`;
    const ended = await session(email);
    const other = await session(email);
    expect((await me({ url: stack.apiUrl }, ended.token)).status).toBe(200);

    await signOut(ended.cookie);
    await eventually(async () => (await me({ url: stack.apiUrl }, ended.token)).status === 401, "the revocation to arrive");
    const refused = await me({ url: stack.apiUrl }, ended.token);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer .*error="invalid_token"/);
    await expectProblem(refused, 401, "token_invalid");
    expect((await me({ url: stack.apiUrl }, other.token)).status).toBe(200);

    // An instance started after the sign-out loads the revocations in force.
    const late = await startResourceService({ issuer: stack.authUrl }, { ...feed, AUTH_AUDIENCE: stack.audience }, stack.apiDatabase);
    extra.push(late);
    expect((await me(late, ended.token)).status).toBe(401);
    expect((await me(late, other.token)).status).toBe(200);
    expect(late.service.revocations?.stats()).toEqual(expect.objectContaining({ connected: true, entries: 1, evicted: 0 }));
  });

  it("with the real auth-service: an admin's ban refuses the user's existing tokens at once, and a moderator's token hides a post", async () => {
    const suffix = randomBytes(4).toString("hex");
    // The first admin and a moderator, as the roles CLI makes them: their role in the auth-service's database.
    const authDb = new pg.Client({ connectionString: stack.authDatabase.url });
    await authDb.connect();
    try {
      for (const [email, role] of [
        [`admin-${suffix}@example.com`, "admin"],
        [`mod-${suffix}@example.com`, "moderator"],
      ] as const) {
        await signedInCookie(stack.authUrl, email);
        await authDb.query(`UPDATE "user" SET role = $1 WHERE email = $2`, [role, email]);
      }
    } finally {
      await authDb.end();
    }
    const admin = await session(`admin-${suffix}@example.com`);
    const moderator = await session(`mod-${suffix}@example.com`);
    const target = await session(`target-${suffix}@example.com`);
    const targetId = String(JSON.parse(Buffer.from(target.token.split(".")[1] ?? "", "base64url").toString()).sub);

    const created = await call({ url: stack.apiUrl }, "/api/v1/posts", { token: target.token, json: { title: "Spam", body: "Buy" } });
    expect(created.status).toBe(201);
    const post = (await created.json()) as { id: string };
    await expectProblem(await call({ url: stack.apiUrl }, "/api/v1/moderation/actions", { token: target.token, json: { action: "hide", postId: post.id, reason: "x" } }), 403, "insufficient_scope");
    const hidden = await call({ url: stack.apiUrl }, "/api/v1/moderation/actions", { token: moderator.token, json: { action: "hide", postId: post.id, reason: "Spam" } });
    expect(hidden.status).toBe(201);
    await expectProblem(await call({ url: stack.apiUrl }, `/api/v1/posts/${post.id}`), 404, "not_found");

    const ban = await fetch(`${stack.authUrl}/api/auth/admin/ban-user`, {
      method: "POST",
      headers: { cookie: admin.cookie, origin: stack.authUrl, "content-type": "application/json" },
      body: JSON.stringify({ userId: targetId, banReason: "spam" }),
    });
    expect(ban.status).toBe(200);
    await eventually(async () => (await me({ url: stack.apiUrl }, target.token)).status === 401, "the ban's revocation to arrive");
    await expectProblem(await me({ url: stack.apiUrl }, target.token), 401, "token_invalid");
    expect((await me({ url: stack.apiUrl }, moderator.token)).status).toBe(200);
  });

  it("catches up on the revocations it missed while cut off from Redis, as soon as it reconnects", async () => {
    const api = await startResourceService(
      { issuer: stack.authUrl },
      { AUTH_REVOCATION_REDIS_URL: `redis://127.0.0.1:${proxy.port}`, AUTH_REVOCATION_KEY_PREFIX: prefix, AUTH_AUDIENCE: stack.audience },
      stack.apiDatabase,
    );
    extra.push(api);
    const { cookie, token } = await session(`cutoff-${randomBytes(4).toString("hex")}@example.com`);
    expect((await me(api, token)).status).toBe(200);

    await proxy.down();
    await signOut(cookie);
    // Documented: while the feed is down, sessions ended meanwhile are not yet known here.
    expect((await me(api, token)).status).toBe(200);
    // ...but the instance that hears Redis refuses it.
    await eventually(async () => (await me({ url: stack.apiUrl }, token)).status === 401, "the live revocation");

    await proxy.up();
    await eventually(async () => (await me(api, token)).status === 401, "the catch-up after reconnecting");
    expect(api.logs.filter((line) => line.includes("revocation feed (Redis) is unreachable"))).toHaveLength(1);
    expect(api.logs.filter((line) => line.includes("revocations caught up"))).toHaveLength(1);
  });
});
