// Who may keep a copy of an auth-service answer: nothing that carries a
// session, a token or a user (every answer Better Auth gives is no-store), no
// error (wherever it is raised), and only the public keys and the discovery
// document are cacheable.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

describe("caching headers", () => {
  let running: RunningAuthService;
  let signedIn: Browser;
  beforeAll(async () => {
    running = await startAuthService();
    signedIn = new Browser(running.url);
    const email = uniqueEmail("cache");
    await signedIn.signUp(email);
    await signedIn.signIn(email);
  });
  afterAll(() => running.stop());

  async function cacheControl(response: Response): Promise<string | null> {
    await response.body?.cancel();
    return response.headers.get("cache-control");
  }

  it("marks every Better Auth answer no-store: tokens, sessions, users, and their errors", async () => {
    const anonymous = new Browser(running.url);
    const answers: Array<[string, Response, number]> = [
      ["token", await signedIn.request("/api/auth/token"), 200],
      ["token without a session", await anonymous.request("/api/auth/token"), 401],
      ["get-session", await signedIn.request("/api/auth/get-session"), 200],
      ["get-session without a session", await anonymous.request("/api/auth/get-session"), 200],
      ["list-sessions", await signedIn.request("/api/auth/list-sessions"), 200],
      ["sign-up", await anonymous.signUp(uniqueEmail("cache-new")), 200],
    ];
    for (const [label, response, status] of answers) {
      expect({ label, status: response.status, cacheControl: await cacheControl(response) }).toEqual({ label, status, cacheControl: "no-store" });
    }
    const session = await signedIn.request("/api/auth/get-session");
    expect(session.headers.get("set-auth-jwt")).toBeTruthy();
    expect(await cacheControl(session)).toBe("no-store");
  });

  it("marks errors raised before Better Auth no-store too: 404, 413, 415, 422, 429", async () => {
    const post = (path: string, body: string, contentType = "application/json") =>
      fetch(`${running.url}${path}`, { method: "POST", headers: { "content-type": contentType, origin: running.url }, body });
    const answers: Array<[string, Response, number]> = [
      ["no such route", await fetch(`${running.url}/nowhere`), 404],
      ["too large", await post("/api/auth/sign-up/email", "x".repeat(32 * 1024)), 413],
      ["not JSON", await post("/api/auth/sign-up/email", "hello", "text/plain"), 415],
      ["a NUL", await post("/api/auth/sign-up/email", JSON.stringify({ name: "\u0000", email: uniqueEmail("nul"), password: "x" })), 422],
    ];
    const strict = await startAuthService({ AUTH_RATE_LIMIT_MAX: "1" }, running.database);
    try {
      const limited = new Browser(strict.url);
      await (await limited.signIn(uniqueEmail("limit"), "wrong password!!")).body?.cancel();
      answers.push(["rate-limited", await limited.signIn(uniqueEmail("limit"), "wrong password!!"), 429]);
    } finally {
      await strict.stop();
    }
    for (const [label, response, status] of answers) {
      expect({ label, status: response.status, cacheControl: await cacheControl(response) }).toEqual({ label, status, cacheControl: "no-store" });
    }
  });

  it("lets anyone cache the public keys and the discovery document", async () => {
    for (const path of ["/api/auth/jwks", "/.well-known/openid-configuration"]) {
      expect({ path, cacheControl: await cacheControl(await fetch(`${running.url}${path}`)) }).toEqual({ path, cacheControl: "public, max-age=300" });
    }
  });
});
