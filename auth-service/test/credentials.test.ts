import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, countUsers, expectProblem, PASSWORD, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

describe("credentials: no enumeration, password policy, bad input", () => {
  let running: RunningAuthService;
  let browser: Browser;
  beforeAll(async () => {
    running = await startAuthService();
    browser = new Browser(running.url);
  });
  afterAll(() => running.stop());

  it("answers a wrong password and an unknown email alike", async () => {
    const email = uniqueEmail("known");
    await browser.signUp(email);
    const wrongPassword = await browser.signIn(email, "not the password at all");
    const unknownEmail = await browser.signIn(uniqueEmail("unknown"), "not the password at all");
    const wrongBody = await expectProblem(wrongPassword, 401, "INVALID_EMAIL_OR_PASSWORD");
    const unknownBody = await expectProblem(unknownEmail, 401, "INVALID_EMAIL_OR_PASSWORD");
    expect(unknownBody).toEqual(wrongBody);
  });

  it("answers a sign-up for an existing email like one for a new email, and changes nothing", async () => {
    const email = uniqueEmail("dup");
    const first = await browser.signUp(email, PASSWORD, "First");
    const second = await browser.signUp(email, "another long passphrase here", "Second");
    const fresh = await browser.signUp(uniqueEmail("fresh"), PASSWORD, "Second");
    expect([first.status, second.status, fresh.status]).toEqual([200, 200, 200]);

    const secondBody = (await second.json()) as { token: unknown; user: Record<string, unknown> };
    const freshBody = (await fresh.json()) as { token: unknown; user: Record<string, unknown> };
    expect(Object.keys(secondBody).sort()).toEqual(Object.keys(freshBody).sort());
    expect(Object.keys(secondBody.user).sort()).toEqual(Object.keys(freshBody.user).sort());
    expect(secondBody.token).toBeNull();
    expect(second.headers.getSetCookie()).toEqual(fresh.headers.getSetCookie());

    expect(await countUsers(running, email)).toBe(1);
    expect((await browser.signIn(email, PASSWORD)).status).toBe(200);
    expect((await browser.signIn(email, "another long passphrase here")).status).toBe(401);
  });

  it.each([
    ["too short", "Sh0rt!pw", "PASSWORD_TOO_SHORT"],
    ["among the most common", "password1234", "PASSWORD_TOO_COMMON"],
    ["common in another case", "QWERTY123456", "PASSWORD_TOO_COMMON"],
  ])("refuses a password that is %s, saying why, and creates nothing", async (_label, password, code) => {
    const email = uniqueEmail("weak");
    const body = await expectProblem(await browser.signUp(email, password), 400, code);
    expect(body.detail).toMatch(/password/i);
    expect(await countUsers(running, email)).toBe(0);
  });

  it("answers malformed JSON with 400 and writes nothing", async () => {
    const email = uniqueEmail("malformed");
    const response = await fetch(`${running.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"email":"${email}","password":"${PASSWORD}","name":`,
    });
    await expectProblem(response, 400, "malformed_json");
    expect(await countUsers(running, email)).toBe(0);
  });

  it("answers an oversized body with 413 and writes nothing", async () => {
    const email = uniqueEmail("huge");
    const response = await fetch(`${running.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD, name: "x".repeat(1024 * 1024) }),
    });
    await expectProblem(response, 413, "payload_too_large");
    expect(await countUsers(running, email)).toBe(0);
  });

  it("refuses bodies that are not JSON or a form with 415", async () => {
    const response = await fetch(`${running.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "email=a@example.com",
    });
    await expectProblem(response, 415, "unsupported_media_type");
  });

  it("answers unknown routes with a problem, not HTML", async () => {
    await expectProblem(await fetch(`${running.url}/nope`), 404, "not_found");
  });

  it("answers a malformed path with 400, not 500", async () => {
    await expectProblem(await fetch(`${running.url}/api/auth/%ZZ`), 400, "bad_request");
  });

  it("applies the password policy when a signed-in user changes the password", async () => {
    const email = uniqueEmail("change");
    await browser.signUp(email);
    const signedIn = new Browser(running.url);
    await signedIn.signIn(email);
    const weak = await signedIn.request("/api/auth/change-password", { json: { currentPassword: PASSWORD, newPassword: "password1234" } });
    await expectProblem(weak, 400, "PASSWORD_TOO_COMMON");
    expect((await new Browser(running.url).signIn(email, PASSWORD)).status).toBe(200);
  });
});
