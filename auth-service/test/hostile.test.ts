// Hostile input to the auth-service: a clean 4xx problem+json every time,
// never a 5xx or a crash, and no account created.
import { rawRequest, seededBytes, seededRandom, seededText, UNSTORABLE } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, expectProblem, PASSWORD, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

describe("hostile input to the auth-service", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService();
  });
  afterAll(() => running.stop());

  const signUp = (body: string | Buffer, contentType = "application/json") =>
    fetch(`${running.url}/api/auth/sign-up/email`, { method: "POST", headers: { "content-type": contentType, origin: running.url }, body });

  async function expectClean(response: Response, label: string): Promise<void> {
    expect({ label, clean4xx: response.status >= 400 && response.status < 500 }).toEqual({ label, clean4xx: true });
    expect(response.headers.get("content-type") ?? "").toMatch(/^application\/problem\+json/);
    await response.body?.cancel();
  }

  it("random bytes as JSON bodies (seed 3), deep nesting, invalid UTF-8, pollution keys", async () => {
    const next = seededRandom(3);
    for (let attempt = 0; attempt < 100; attempt += 1) await expectClean(await signUp(seededBytes(next, 1 + Math.floor(next() * 2_000))), `attempt ${attempt}`);
    await expectClean(await signUp(`${"[".repeat(8_000)}${"]".repeat(8_000)}`), "deep nesting");
    await expectClean(await signUp(Buffer.concat([Buffer.from('{"email":"a@example.com","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')])), "invalid UTF-8");
    await expectClean(await signUp('{"__proto__":{"polluted":true},"email":"p@example.com"}'), "__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await running.service.db.prisma.user.count()).toBe(0);
  });

  it("a 5 MB body, 64 KB of headers, and a malformed request line", async () => {
    await expectClean(await signUp("x".repeat(5 * 1024 * 1024)), "5 MB");
    const huge = await rawRequest(running.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual(expect.objectContaining({ code: "headers_too_large" }));
    const garbage = await rawRequest(running.url, Buffer.from([0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(garbage.status).toBe(400);
    expect(garbage.headers["cache-control"]).toBe("no-store");
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(await running.service.db.prisma.user.count()).toBe(0);
  });
});

// NUL (PostgreSQL's text cannot hold it) and lone surrogates (JSON "\ud800"
// escapes, with no UTF-8 encoding) in what Better Auth would store or look
// up: refused with 422 naming the field, before Better Auth sees them.
describe("characters PostgreSQL cannot store, at the auth-service", () => {
  let running: RunningAuthService;
  let browser: Browser;
  let email: string;
  beforeAll(async () => {
    running = await startAuthService();
    browser = new Browser(running.url);
    email = uniqueEmail("text");
    expect((await browser.signUp(email)).status).toBe(200);
    expect((await browser.signIn(email)).status).toBe(200);
  });
  afterAll(() => running.stop());

  async function expectFieldRefused(response: Response, field: string): Promise<void> {
    const body = await expectProblem(response, 422, "validation_failed");
    expect(body.errors).toEqual([{ field, message: "must not contain NUL characters or unpaired surrogates" }]);
  }

  it.each(["\u0000", "a\u0000b", "\ud800", "x\udfff"])("refuses %j in sign-up and sign-in fields, naming the field, and creates no account", async (bad) => {
    const anonymous = new Browser(running.url);
    const fresh = uniqueEmail("fresh");
    await expectFieldRefused(await anonymous.signUp(fresh, PASSWORD, `Ada${bad}`), "name");
    await expectFieldRefused(await anonymous.signUp(`a${bad}${fresh}`, PASSWORD), "email");
    await expectFieldRefused(await anonymous.signUp(fresh, `${PASSWORD}${bad}`), "password");
    await expectFieldRefused(await anonymous.signIn(`${email}${bad}`), "email");
    await expectFieldRefused(await anonymous.signIn(email, `${PASSWORD}${bad}`), "password");
    await expectFieldRefused(await anonymous.request("/api/auth/sign-up/email", { json: { email: fresh, password: PASSWORD, name: "Ada", image: `https://x/${bad}` } }), "image");
    expect(await running.service.db.prisma.user.count({ where: { email: { contains: "fresh" } } })).toBe(0);
  });

  it("refuses them in a form body, a query string, and a signed-in user's updates", async () => {
    const form = await fetch(`${running.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: running.url },
      body: `email=${encodeURIComponent(email)}%00&password=x`,
    });
    await expectFieldRefused(form, "email");
    await expectFieldRefused(await fetch(`${running.url}/api/auth/verify-email?token=a%00b`), "token");
    await expectFieldRefused(await browser.request("/api/auth/update-user", { json: { name: "Ada\u0000" } }), "name");
    await expectFieldRefused(await browser.request("/api/auth/change-password", { json: { currentPassword: PASSWORD, newPassword: `${PASSWORD}\ud800` } }), "newPassword");
    await expectFieldRefused(await browser.request("/api/auth/update-user", { json: { name: "ok", nested: { deeper: ["\u0000"] } } }), "nested.deeper.0");
    expect((await browser.request("/api/auth/get-session")).status).toBe(200);
  });

  it("seeded text from the hostile alphabet (seed 5) in every sign-up field: never a 5xx; refused exactly when PostgreSQL cannot store it", async () => {
    const next = seededRandom(5);
    for (let attempt = 0; attempt < 40; attempt += 1) {
      const name = seededText(next, 1 + Math.floor(next() * 20));
      const local = seededText(next, 1 + Math.floor(next() * 10));
      const password = `${PASSWORD}${seededText(next, Math.floor(next() * 10))}`;
      const response = await new Browser(running.url).signUp(`${local}@example.com`, password, name);
      const label = JSON.stringify({ attempt, name, local, password });
      expect({ label, clean: response.status < 500 }).toEqual({ label, clean: true });
      const unstorable = [name, local, password].some((value) => UNSTORABLE.test(value));
      expect({ label, refused: response.status === 422 }).toEqual({ label, refused: unstorable });
      await response.body?.cancel();
    }
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
  });
});
