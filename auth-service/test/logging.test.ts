import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, PASSWORD, startAuthService, TEST_SECRET, uniqueEmail, type RunningAuthService } from "./helpers.js";

describe("logs", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService();
  });
  afterAll(() => running.stop());

  it("write one structured line per request and never a password, cookie, token or secret", async () => {
    const browser = new Browser(running.url);
    const email = uniqueEmail("logs");
    await browser.signUp(email);
    await browser.signIn(email);
    const session = await browser.request("/api/auth/get-session");
    const { token } = (await (await browser.request("/api/auth/token")).json()) as { token: string };
    await browser.signIn(email, "a wrong password, logged nowhere");
    await fetch(`${running.url}/api/auth/token?token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    await browser.signUp(email, "a second sign-up, logged nowhere");
    // A form with too many fields fails in the body parser, whose error carries the raw body.
    const form = new URLSearchParams({ email, password: "a form password, logged nowhere" });
    for (let field = 0; field < 60; field += 1) form.set(`f${field}`, "x");
    const tooMany = await fetch(`${running.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: running.url },
      body: form.toString(),
    });
    expect(tooMany.status).toBe(413);

    const sessionCookie = browser.cookieHeader.split("=")[1]?.split(".")[0] ?? "";
    expect(sessionCookie.length).toBeGreaterThan(10);
    const secrets = [
      PASSWORD,
      "a wrong password, logged nowhere",
      "a second sign-up, logged nowhere",
      "a form password, logged nowhere",
      token,
      session.headers.get("set-auth-jwt") ?? "",
      sessionCookie,
      TEST_SECRET,
      email,
    ];
    const text = running.logs.join("");
    for (const secret of secrets) expect(text).not.toContain(secret);

    const requestLines = running.logs.map((line) => JSON.parse(line) as { req?: { path?: string } }).filter((line) => line.req);
    expect(requestLines.map((line) => line.req?.path)).toEqual([
      "/api/auth/sign-up/email",
      "/api/auth/sign-in/email",
      "/api/auth/get-session",
      "/api/auth/token",
      "/api/auth/sign-in/email",
      "/api/auth/token",
      "/api/auth/sign-up/email",
      "/api/auth/sign-in/email",
    ]);
  });
});
