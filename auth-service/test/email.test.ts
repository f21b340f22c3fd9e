// Email verification and password reset over real SMTP: the auth-service
// sends to a real SMTP server in this process (the devstack's mail catcher),
// the mails are parsed, and their links are followed over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createTestDatabase, eventually, startMailCatcher, type CaughtMail, type MailCatcher } from "@authbridge/devstack/testing";
import { decodeJwt, SignJWT } from "jose";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Socket } from "node:net";
import pg from "pg";
import { createClient } from "redis";
import { Browser, countUsers, expectProblem, PASSWORD, startAuthService, TEST_SECRET, uniqueEmail, type RunningAuthService } from "./helpers.js";

const APP = "http://app.example.test";
const NEW_PASSWORD = "a completely different passphrase";

function mailEnv(catcher: MailCatcher, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: catcher.smtpUrl,
    MAIL_FROM: "authbridge <no-reply@example.com>",
    CORS_ORIGINS: APP,
    MAIL_RETRY_BASE_DELAY_MS: "100",
    MAIL_RETRY_MAX_DELAY_MS: "400",
    MAIL_RATE_LIMIT_PER_CLIENT: "1000",
    ...extra,
  };
}

/** The first link in a mail's text that starts with `prefix`. */
function linkIn(mail: CaughtMail, prefix: string): string {
  const link = mail.text.match(/https?:\/\/\S+/g)?.find((candidate) => candidate.startsWith(prefix));
  if (!link) throw new Error(`no ${prefix} link in "${mail.subject}"`);
  return link;
}

/** Runs one statement on a test database, outside the service. */
async function sql(url: string, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

const to = (email: string, subject: RegExp) => (mail: CaughtMail) => mail.to.includes(email) && subject.test(mail.subject);

async function tokenClaims(browser: Browser): Promise<Record<string, unknown>> {
  const response = await browser.request("/api/auth/token");
  expect(response.status).toBe(200);
  return decodeJwt(((await response.json()) as { token: string }).token);
}

describe("email verification and password reset, over SMTP", () => {
  let catcher: MailCatcher;
  let running: RunningAuthService;
  const path = (link: string) => link.slice(running.url.length);
  beforeAll(async () => {
    catcher = await startMailCatcher();
    running = await startAuthService(mailEnv(catcher));
  });
  afterAll(async () => {
    await running.stop();
    await catcher.stop();
  });

  it("mails a verification link at sign-up, in text and HTML; the link verifies, signs in, and the next token says email_verified: true", async () => {
    const email = uniqueEmail("verify");
    const browser = new Browser(running.url);
    expect((await browser.request("/api/auth/sign-up/email", { json: { email, password: PASSWORD, name: "Ada <b>Lovelace</b>", callbackURL: `${APP}/verified` } })).status).toBe(200);
    expect((await browser.signIn(email)).status).toBe(200);
    expect(await tokenClaims(browser)).toEqual(expect.objectContaining({ email, email_verified: false }));

    const mail = await catcher.waitFor(to(email, /verify your email/i));
    expect(mail.from).toBe("no-reply@example.com");
    expect(mail.html).toContain("Ada &lt;b&gt;Lovelace&lt;/b&gt;");
    const link = linkIn(mail, `${running.url}/api/auth/verify-email?token=`);
    expect(mail.html).toContain(link.replace(/&/g, "&amp;"));

    const clicked = new Browser(running.url);
    const verified = await clicked.request(path(link), { redirect: "manual", headers: { origin: "" } });
    expect(verified.status).toBe(302);
    expect(verified.headers.get("location")).toBe(`${APP}/verified`);
    expect(await tokenClaims(clicked)).toEqual(expect.objectContaining({ email, email_verified: true }));
    // The session that was open before picks the verification up too.
    expect(await tokenClaims(browser)).toEqual(expect.objectContaining({ email_verified: true }));
  });

  it("a verification link works once; a tampered or expired one is refused and changes nothing", async () => {
    const email = uniqueEmail("once");
    await new Browser(running.url).signUp(email);
    const link = linkIn(await catcher.waitFor(to(email, /verify your email/i)), `${running.url}/api/auth/verify-email?token=`);
    const token = new URL(link).searchParams.get("token") ?? "";

    const tampered = `${running.url}/api/auth/verify-email?token=${token.slice(0, -4)}${token.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    await expectProblem(await fetch(tampered, { redirect: "manual" }), 401, "INVALID_TOKEN");
    const payload = decodeJwt(token);
    const expired = await new SignJWT({ email: payload.email, userId: payload.userId })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    await expectProblem(await fetch(`${running.url}/api/auth/verify-email?token=${expired}`, { redirect: "manual" }), 401, "TOKEN_EXPIRED");
    expect(await running.service.db.prisma.user.findUnique({ where: { email }, select: { emailVerified: true } })).toEqual({ emailVerified: false });

    // Without a callbackURL, Better Auth's answers are JSON rather than redirects.
    const bare = link.replace(/&callbackURL=[^&]*/, "");
    expect((await fetch(bare, { redirect: "manual" })).status).toBe(200);
    expect(await running.service.db.prisma.user.findUnique({ where: { email }, select: { emailVerified: true } })).toEqual({ emailVerified: true });
    const again = await fetch(bare, { redirect: "manual" });
    await expectProblem(again, 400, "EMAIL_ALREADY_VERIFIED");
    expect(again.headers.getSetCookie()).toEqual([]);
    // With a trusted callback the browser is sent there with the error; an untrusted one is never followed.
    const withCallback = await fetch(`${bare}&callbackURL=${encodeURIComponent(`${APP}/verified`)}`, { redirect: "manual" });
    expect(withCallback.status).toBe(302);
    expect(withCallback.headers.get("location")).toBe(`${APP}/verified?error=EMAIL_ALREADY_VERIFIED`);
    const untrusted = await fetch(`${bare}&callbackURL=${encodeURIComponent("https://evil.example/")}`, { redirect: "manual" });
    await expectProblem(untrusted, 400, "EMAIL_ALREADY_VERIFIED");
  });

  it("answers a sign-up for an address that has an account exactly like a new one, creates nothing, and tells the owner by mail", async () => {
    const email = uniqueEmail("taken");
    const first = await new Browser(running.url).signUp(email, PASSWORD, "Owner");
    await catcher.waitFor(to(email, /verify your email/i));
    const second = await new Browser(running.url).signUp(email, "another long passphrase here", "Someone Else");
    const fresh = await new Browser(running.url).signUp(uniqueEmail("fresh"), PASSWORD, "Someone Else");

    const shape = async (response: Response) => {
      const body = (await response.json()) as { token: unknown; user: Record<string, unknown> };
      return { status: response.status, token: body.token, userKeys: Object.keys(body.user).sort(), emailVerified: body.user.emailVerified };
    };
    const [a, b, c] = await Promise.all([shape(first), shape(second), shape(fresh)]);
    expect(b).toEqual(c);
    expect(a).toEqual(c);
    expect(await countUsers(running, email)).toBe(1);

    const notice = await catcher.waitFor(to(email, /someone tried to create/i));
    expect(notice.text).toContain("Hello Owner,");
    expect(notice.text).toContain("No second account was created");
    expect(notice.text).not.toMatch(/https?:\/\//);
  });

  it("resends a verification mail on request, answering the same for unknown and verified addresses", async () => {
    const email = uniqueEmail("resend");
    await new Browser(running.url).signUp(email);
    await catcher.waitFor(to(email, /verify your email/i));
    const resend = (address: string) => new Browser(running.url).request("/api/auth/send-verification-email", { json: { email: address } });

    const known = await resend(email);
    const unknown = await resend(uniqueEmail("nobody"));
    expect({ status: known.status, body: await known.json() }).toEqual({ status: 200, body: { status: true } });
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: 200, body: { status: true } });
    await eventually(async () => catcher.mails.filter(to(email, /verify your email/i)).length === 2, "the second verification mail");
  });

  it("resets a password end to end: same answer for unknown addresses, the password policy, a single-use link, every session ended", async () => {
    const email = uniqueEmail("reset");
    const before = new Browser(running.url);
    await before.signUp(email);
    expect((await before.signIn(email)).status).toBe(200);
    const other = new Browser(running.url);
    expect((await other.signIn(email)).status).toBe(200);

    const ask = (address: string) => new Browser(running.url).request("/api/auth/request-password-reset", { json: { email: address, redirectTo: `${APP}/reset` } });
    const known = await ask(email);
    const unknown = await ask(uniqueEmail("ghost"));
    const knownBody = await known.json();
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: known.status, body: knownBody });
    expect(known.status).toBe(200);

    const mail = await catcher.waitFor(to(email, /reset your/i));
    const link = linkIn(mail, `${running.url}/api/auth/reset-password/`);
    const landing = await fetch(link, { redirect: "manual" });
    expect(landing.status).toBe(302);
    const target = new URL(landing.headers.get("location") ?? "");
    expect(`${target.origin}${target.pathname}`).toBe(`${APP}/reset`);
    const token = target.searchParams.get("token") ?? "";
    expect(link).toContain(token);

    const reset = (json: Record<string, string>) => new Browser(running.url).request("/api/auth/reset-password", { json });
    await expectProblem(await reset({ token, newPassword: "password1234" }), 400, "PASSWORD_TOO_COMMON");
    await expectProblem(await reset({ token: `${token.slice(0, -1)}x`, newPassword: NEW_PASSWORD }), 400, "INVALID_TOKEN");
    expect((await reset({ token, newPassword: NEW_PASSWORD })).status).toBe(200);
    await expectProblem(await reset({ token, newPassword: `${NEW_PASSWORD} again` }), 400, "INVALID_TOKEN");

    await expectProblem(await before.request("/api/auth/token"), 401, "UNAUTHORIZED");
    await expectProblem(await other.request("/api/auth/token"), 401, "UNAUTHORIZED");
    await expectProblem(await new Browser(running.url).signIn(email), 401, "INVALID_EMAIL_OR_PASSWORD");
    expect((await new Browser(running.url).signIn(email, NEW_PASSWORD)).status).toBe(200);
    // The used link leads nowhere now.
    const reused = await fetch(link, { redirect: "manual" });
    expect(new URL(reused.headers.get("location") ?? "").searchParams.get("error")).toBe("INVALID_TOKEN");
  });

  it("refuses an expired reset link", async () => {
    const email = uniqueEmail("late");
    await new Browser(running.url).signUp(email);
    await new Browser(running.url).request("/api/auth/request-password-reset", { json: { email, redirectTo: `${APP}/reset` } });
    const link = linkIn(await catcher.waitFor(to(email, /reset your/i)), `${running.url}/api/auth/reset-password/`);
    const token = new URL(link).pathname.split("/").pop() ?? "";
    await running.service.db.pool.query(`UPDATE verification SET "expiresAt" = now() - interval '1 second' WHERE identifier = $1`, [`reset-password:${token}`]);
    await expectProblem(await new Browser(running.url).request("/api/auth/reset-password", { json: { token, newPassword: NEW_PASSWORD } }), 400, "INVALID_TOKEN");
    expect((await new Browser(running.url).signIn(email)).status).toBe(200);
  });

  it("never logs a link's token", () => {
    const tokens = catcher.mails.flatMap((mail) => (mail.text.match(/https?:\/\/\S+/g) ?? []).map((link) => new URL(link)));
    const secrets = tokens.map((url) => url.searchParams.get("token") ?? url.pathname.split("/").pop() ?? "").filter((token) => token.length > 10);
    expect(secrets.length).toBeGreaterThan(3);
    const logs = running.logs.join("\n");
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});

describe("rate limits on the endpoints that send mail", () => {
  let catcher: MailCatcher;
  let running: RunningAuthService;
  beforeAll(async () => {
    catcher = await startMailCatcher();
    running = await startAuthService(mailEnv(catcher, { MAIL_RATE_LIMIT_PER_ADDRESS: "2", MAIL_RATE_LIMIT_PER_CLIENT: "6" }));
  });
  afterAll(async () => {
    await running.stop();
    await catcher.stop();
  });

  it("limits reset and resend requests per email address (whether or not it has an account) and per client", async () => {
    const post = (path: string, email: string) => new Browser(running.url).request(`/api/auth/${path}`, { json: { email } });
    for (const path of ["request-password-reset", "send-verification-email"]) {
      const ghost = uniqueEmail("ghost");
      expect((await post(path, ghost)).status).toBe(200);
      expect((await post(path, ghost)).status).toBe(200);
      const limited = await post(path, ghost);
      await expectProblem(limited, 429, "RATE_LIMITED");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // Six requests from this client so far: the next, for any address, is over the client's own limit.
    const overClient = await post("request-password-reset", uniqueEmail("fresh"));
    const body = await expectProblem(overClient, 429, "RATE_LIMITED");
    expect(body.detail).toMatch(/from this address/);
  });
});

describe("REQUIRE_EMAIL_VERIFICATION", () => {
  let catcher: MailCatcher;
  let running: RunningAuthService;
  beforeAll(async () => {
    catcher = await startMailCatcher();
    running = await startAuthService(mailEnv(catcher, { REQUIRE_EMAIL_VERIFICATION: "true" }));
  });
  afterAll(async () => {
    await running.stop();
    await catcher.stop();
  });

  it("refuses to sign in an unverified account with 403 EMAIL_NOT_VERIFIED, and signs it in once verified", async () => {
    const email = uniqueEmail("required");
    expect((await new Browser(running.url).signUp(email)).status).toBe(200);
    await expectProblem(await new Browser(running.url).signIn(email), 403, "EMAIL_NOT_VERIFIED");
    // A wrong password is still the generic answer: 403 is only for the right one.
    await expectProblem(await new Browser(running.url).signIn(email, "not the password at all"), 401, "INVALID_EMAIL_OR_PASSWORD");
    const link = linkIn(await catcher.waitFor(to(email, /verify your email/i)), `${running.url}/api/auth/verify-email?token=`);
    expect((await fetch(link, { redirect: "manual" })).status).toBe(302);
    const browser = new Browser(running.url);
    expect((await browser.signIn(email)).status).toBe(200);
    expect(await tokenClaims(browser)).toEqual(expect.objectContaining({ email_verified: true }));
  });
});

describe("a dead SMTP server", () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(() => catcher.stop());

  it("does not fail sign-up; the mail is retried, survives a restart of the service, and is delivered once the server is back", async () => {
    await catcher.suspend();
    const env = mailEnv(catcher, { MAIL_RETRY_BASE_DELAY_MS: "50", MAIL_RETRY_MAX_DELAY_MS: "100", MAIL_MAX_ATTEMPTS: "100" });
    const database = await createTestDatabase("auth-service");
    const first = await startAuthService(env, database);
    const email = uniqueEmail("patient");
    try {
      expect((await new Browser(first.url).signUp(email)).status).toBe(200);
      await eventually(async () => first.logs.some((line) => line.includes("it will be retried")), "a failed attempt");
    } finally {
      await first.stop().catch(() => undefined);
    }
    const rows = await sql(first.database.url, `SELECT attempts, "lastError" FROM mail_outbox WHERE recipient = $1`, [email]);
    expect(rows).toEqual([expect.objectContaining({ attempts: expect.any(Number), lastError: "Error ESOCKET" })]);

    await catcher.resume();
    const second = await startAuthService(env, database);
    try {
      const mail = await catcher.waitFor(to(email, /verify your email/i));
      expect(mail.text).toContain("/api/auth/verify-email?token=");
      await eventually(async () => (await sql(first.database.url, `SELECT 1 FROM mail_outbox`)).length === 0, "the outbox emptied");
      expect(catcher.mails.filter(to(email, /verify your email/i))).toHaveLength(1);
    } finally {
      await second.stop();
      await database.drop();
    }
  });

  it("does not wait for an SMTP server that accepts connections and never answers: the greeting deadline ends each attempt", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const running = await startAuthService(
      mailEnv(catcher, { SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_GREETING_TIMEOUT_MS: "300", MAIL_RETRY_BASE_DELAY_MS: "50", MAIL_RETRY_MAX_DELAY_MS: "100" }),
    );
    try {
      // Answered while the server holds the connection open and silent.
      expect((await new Browser(running.url).signUp(uniqueEmail("silent"))).status).toBe(200);
      await eventually(async () => running.logs.some((line) => line.includes("it will be retried") && line.includes("ETIMEDOUT")), "an attempt ended by the greeting deadline");
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await running.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("gives up after MAIL_MAX_ATTEMPTS and logs it without the link", async () => {
    await catcher.suspend();
    const running = await startAuthService(mailEnv(catcher, { MAIL_RETRY_BASE_DELAY_MS: "20", MAIL_RETRY_MAX_DELAY_MS: "40", MAIL_MAX_ATTEMPTS: "2" }));
    try {
      const email = uniqueEmail("lost");
      await new Browser(running.url).request("/api/auth/request-password-reset", { json: { email: "nobody@example.com" } });
      await new Browser(running.url).signUp(email);
      await eventually(async () => running.logs.some((line) => line.includes("gave up on a mail")), "the give-up");
      const line = running.logs.find((entry) => entry.includes("gave up on a mail")) ?? "";
      expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: 50, kind: "verify-email", attempts: 2 }));
      expect(running.logs.join("\n")).not.toMatch(/token=|reset-password\/[A-Za-z0-9]/);
      expect(await sql(running.database.url, `SELECT 1 FROM mail_outbox`)).toEqual([]);
    } finally {
      await running.stop();
      await catcher.resume();
    }
  });
});

describe("a password reset announces the ended sessions like a sign-out", () => {
  const prefix = `authbridge-test-${randomBytes(6).toString("hex")}:`;
  const redis = createClient({ url: "redis://127.0.0.1:6379" });
  let catcher: MailCatcher;
  let running: RunningAuthService;
  beforeAll(async () => {
    await redis.connect();
    catcher = await startMailCatcher();
    running = await startAuthService(mailEnv(catcher, { REDIS_URL: "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: prefix }));
  });
  afterAll(async () => {
    await running.stop();
    await catcher.stop();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  it("publishes every session of the user in the revocation feed", async () => {
    const email = uniqueEmail("feed");
    await new Browser(running.url).signUp(email);
    const sids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const browser = new Browser(running.url);
      expect((await browser.signIn(email)).status).toBe(200);
      sids.push(String((await tokenClaims(browser)).sid));
    }
    expect(await redis.zmScore(`${prefix}revoked-sessions`, sids)).toEqual([null, null]);
    await new Browser(running.url).request("/api/auth/request-password-reset", { json: { email, redirectTo: `${APP}/reset` } });
    const link = linkIn(await catcher.waitFor(to(email, /reset your/i)), `${running.url}/api/auth/reset-password/`);
    const token = new URL(link).pathname.split("/").pop() ?? "";
    expect((await new Browser(running.url).request("/api/auth/reset-password", { json: { token, newPassword: NEW_PASSWORD } })).status).toBe(200);
    await eventually(async () => (await redis.zmScore(`${prefix}revoked-sessions`, sids)).every((score) => score !== null), "both sessions announced");
  });
});
