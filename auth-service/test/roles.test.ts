// Roles and bans over real HTTP, with Redis (sessions cached there, ended
// sessions announced there): the first admin made by the operator's CLI, roles
// set by an admin and carried by the next token only, the admin endpoints'
// mass-assignment and self-service refusals, and a ban that ends every session
// of the user and announces each exactly like a sign-out.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { decodeJwt } from "jose";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { eventually } from "@authbridge/devstack/testing";
import { AUDIENCE, Browser, expectProblem, startAuthService, TEST_SECRET, uniqueEmail, type RunningAuthService } from "./helpers.js";

const REDIS = "redis://127.0.0.1:6379";

interface Account {
  browser: Browser;
  email: string;
  id: string;
}

describe("roles and bans", () => {
  const prefix = `authbridge-test-${randomBytes(6).toString("hex")}:`;
  const redis = createClient({ url: REDIS });
  const announced: string[] = [];
  const subscriber = createClient({ url: REDIS });
  let running: RunningAuthService;
  let admin: Account;

  async function account(prefixName: string): Promise<Account> {
    const browser = new Browser(running.url);
    const email = uniqueEmail(prefixName);
    expect((await browser.signUp(email)).status).toBe(200);
    expect((await browser.signIn(email)).status).toBe(200);
    const session = (await (await browser.request("/api/auth/get-session")).json()) as { user: { id: string } };
    return { browser, email, id: session.user.id };
  }

  async function token(browser: Browser): Promise<Record<string, unknown>> {
    const response = await browser.request("/api/auth/token");
    expect(response.status).toBe(200);
    return decodeJwt(((await response.json()) as { token: string }).token);
  }

  /** Runs the CLI without blocking this process, where the auth-service under test runs too. */
  function rolesCli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const cli = fileURLToPath(new URL("../src/cli/roles.ts", import.meta.url));
    const options = {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: running.database.url,
        BETTER_AUTH_SECRET: TEST_SECRET,
        BETTER_AUTH_URL: running.url,
        JWT_AUDIENCE: AUDIENCE,
        REDIS_URL: REDIS,
        REDIS_KEY_PREFIX: prefix,
      },
      encoding: "utf8" as const,
    };
    return new Promise((resolve) => {
      const child = execFile(process.execPath, ["--conditions=source", "--import", "tsx", cli, ...args], options, (_error, stdout, stderr) => {
        resolve({ status: child.exitCode, stdout, stderr });
      });
    });
  }

  const setRole = (by: Account, userId: string, role: unknown) => by.browser.request("/api/auth/admin/set-role", { json: { userId, role } });
  const storedRole = async (id: string) => (await running.service.db.prisma.user.findUniqueOrThrow({ where: { id } })).role;

  beforeAll(async () => {
    await Promise.all([redis.connect(), subscriber.connect()]);
    await subscriber.subscribe(`${prefix}revoked-sessions`, (message) => announced.push(message));
    running = await startAuthService({ REDIS_URL: REDIS, REDIS_KEY_PREFIX: prefix, JWT_EXPIRES_IN_SECONDS: "300" });
    admin = await account("admin");
  });
  afterAll(async () => {
    await running.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await subscriber.quit();
    await redis.quit();
  });

  it("makes the first admin from the command line: the signed-in admin's next token carries it, the one before does not", async () => {
    const before = await token(admin.browser);
    expect(before.role).toBe("user");

    expect(await rolesCli("set", admin.email, "superuser")).toEqual(expect.objectContaining({ status: 2, stderr: expect.stringContaining('"user", "moderator", "admin"') }));
    expect(await rolesCli("set", uniqueEmail("nobody"), "admin")).toEqual(expect.objectContaining({ status: 1, stderr: expect.stringContaining("sign up first") }));
    const made = await rolesCli("set", admin.email, "admin");
    expect(made).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringContaining(`${admin.email} is now "admin"`) }));
    expect(await rolesCli("list")).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringContaining(`${admin.email}  admin`) }));

    // The session cached in Redis was updated too: no new sign-in needed.
    expect((await token(admin.browser)).role).toBe("admin");
    expect(before.role).toBe("user");
    // Four runs of the CLI, each starting Node with tsx: several seconds apiece on a busy machine.
  }, 150_000);

  it("lets an admin set another user's role; the user's next token carries it, a token minted before keeps the old one", async () => {
    const user = await account("promoted");
    const old = await token(user.browser);
    const response = await setRole(admin, user.id, "moderator");
    expect(response.status).toBe(200);
    expect((await token(user.browser)).role).toBe("moderator");
    expect(old.role).toBe("user");

    expect((await setRole(admin, user.id, "user")).status).toBe(200);
    expect((await token(user.browser)).role).toBe("user");
  });

  it("refuses a role outside the fixed set, or several at once, and changes nothing", async () => {
    const user = await account("set");
    for (const role of ["superadmin", "Admin", ["moderator", "admin"], "admin,moderator", "", 7, null]) {
      await expectProblem(await setRole(admin, user.id, role), 400, "INVALID_ROLE");
    }
    expect(await storedRole(user.id)).toBe("user");
  });

  it("never lets anyone change their own role, admins included", async () => {
    const user = await account("self");
    await expectProblem(await setRole(user, user.id, "admin"), 403, "CANNOT_CHANGE_OWN_ROLE");
    await expectProblem(await setRole(admin, admin.id, "user"), 403, "CANNOT_CHANGE_OWN_ROLE");
    expect(await storedRole(user.id)).toBe("user");
    expect(await storedRole(admin.id)).toBe("admin");
  });

  it("refuses the admin endpoints to users and moderators, and to anonymous callers", async () => {
    const user = await account("plain");
    const moderator = await account("moderator");
    expect((await setRole(admin, moderator.id, "moderator")).status).toBe(200);
    const target = await account("target");
    for (const caller of [user, moderator]) {
      await expectProblem(await setRole(caller, target.id, "admin"), 403, "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE");
      await expectProblem(await caller.browser.request("/api/auth/admin/ban-user", { json: { userId: target.id } }), 403, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS");
      await expectProblem(await caller.browser.request("/api/auth/admin/list-users"), 403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS");
    }
    await expectProblem(await new Browser(running.url).request("/api/auth/admin/set-role", { json: { userId: target.id, role: "admin" } }), 401, "UNAUTHORIZED");
    expect(await storedRole(target.id)).toBe("user");
    expect((await token(target.browser)).role).toBe("user");
  });

  it("mass assignment: no sign-up or profile update sets a role or a ban", async () => {
    const browser = new Browser(running.url);
    const email = uniqueEmail("mass");
    await expectProblem(await browser.request("/api/auth/sign-up/email", { json: { email, password: "correct horse battery staple", name: "M", role: "admin" } }), 400, "FIELD_NOT_ALLOWED");
    expect(await running.service.db.prisma.user.count({ where: { email } })).toBe(0);

    const user = await account("mass");
    for (const field of [{ role: "admin" }, { banned: true }, { banReason: "x" }]) {
      await expectProblem(await user.browser.request("/api/auth/update-user", { json: { name: "Renamed", ...field } }), 400, "FIELD_NOT_ALLOWED");
    }
    expect(await running.service.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toEqual(
      expect.objectContaining({ role: "user", banned: false, banReason: null, name: "Test User" }),
    );
    expect((await token(user.browser)).role).toBe("user");
  });

  it("serves only the admin endpoints it needs: impersonation, user creation, deletion and passwords are 404 even to an admin", async () => {
    const user = await account("hidden");
    for (const [path, json] of [
      ["/api/auth/admin/impersonate-user", { userId: user.id }],
      ["/api/auth/admin/create-user", { email: uniqueEmail("created"), password: "correct horse battery staple", name: "C", role: "admin" }],
      ["/api/auth/admin/remove-user", { userId: user.id }],
      ["/api/auth/admin/set-user-password", { userId: user.id, newPassword: "another horse battery staple" }],
      ["/api/auth/admin/update-user", { userId: user.id, data: { role: "admin" } }],
      ["/api/auth/admin/revoke-user-sessions", { userId: user.id }],
    ] as const) {
      await expectProblem(await admin.browser.request(path, { json }), 404, "NOT_FOUND");
    }
    expect(await storedRole(user.id)).toBe("user");
    expect((await token(user.browser)).role).toBe("user");
  });

  it("a ban ends every session of the user and announces each like a sign-out; the user cannot sign in until unbanned", async () => {
    const user = await account("banned");
    const second = new Browser(running.url);
    expect((await second.signIn(user.email)).status).toBe(200);
    const sids = [String((await token(user.browser)).sid), String((await token(second)).sid)];

    const ban = await admin.browser.request("/api/auth/admin/ban-user", { json: { userId: user.id, banReason: "spam" } });
    expect(ban.status).toBe(200);

    for (const sid of sids) {
      const until = await redis.zScore(`${prefix}revoked-sessions`, sid);
      expect(until).toBeGreaterThan(Date.now());
    }
    await eventually(async () => sids.every((sid) => announced.some((message) => message.includes(sid))), "the ban's revocations announced");
    const messages = announced.map((message) => JSON.parse(message) as { sid: string });
    expect(messages.map(({ sid }) => sid)).toEqual(expect.arrayContaining(sids));

    for (const browser of [user.browser, second]) expect((await browser.request("/api/auth/token")).status).toBe(401);
    await expectProblem(await new Browser(running.url).signIn(user.email), 403, "BANNED_USER");

    expect((await admin.browser.request("/api/auth/admin/unban-user", { json: { userId: user.id } })).status).toBe(200);
    const back = new Browser(running.url);
    expect((await back.signIn(user.email)).status).toBe(200);
    expect((await token(back)).role).toBe("user");
  });

  it("an admin cannot ban themselves", async () => {
    await expectProblem(await admin.browser.request("/api/auth/admin/ban-user", { json: { userId: admin.id } }), 400, "YOU_CANNOT_BAN_YOURSELF");
  });

  it("puts only a role of the fixed set in a token: anything else stored by hand becomes \"user\"", async () => {
    const user = await account("odd");
    for (const stored of ["superadmin", "admin,moderator", "ADMIN"]) {
      await running.service.db.prisma.user.update({ where: { id: user.id }, data: { role: stored } });
      // A fresh sign-in reads the row from PostgreSQL (the cached session still has the old user).
      const browser = new Browser(running.url);
      expect((await browser.signIn(user.email)).status).toBe(200);
      expect((await token(browser)).role).toBe("user");
    }
    expect(running.logs.some((line) => line.includes("stored role is not one of the fixed set"))).toBe(true);
  });
});
