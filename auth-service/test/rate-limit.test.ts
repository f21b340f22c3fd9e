import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, expectProblem, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const MAX = 3;

async function exhaust(browser: Browser, headers: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < MAX; attempt += 1) {
    const response = await browser.request("/api/auth/sign-in/email", { json: { email: uniqueEmail(), password: "wrong password!!" }, headers });
    statuses.push(response.status);
  }
  return statuses;
}

describe("rate limits on sign-in and sign-up", () => {
  describe("without a trusted proxy", () => {
    let running: RunningAuthService;
    beforeAll(async () => {
      running = await startAuthService({ AUTH_RATE_LIMIT_MAX: String(MAX), AUTH_RATE_LIMIT_WINDOW_SECONDS: "60" });
    });
    afterAll(() => running.stop());

    it("answers 429 with Retry-After once the limit is reached, and a spoofed X-Forwarded-For does not reset it", async () => {
      const browser = new Browser(running.url);
      expect(await exhaust(browser)).toEqual([401, 401, 401]);

      const limited = await browser.signIn(uniqueEmail(), "wrong password!!");
      const body = await expectProblem(limited, 429, "RATE_LIMITED");
      const retryAfter = Number(limited.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(body.detail).toMatch(/try again/);

      for (const spoofed of ["203.0.113.7", "198.51.100.1, 203.0.113.8"]) {
        const response = await browser.request("/api/auth/sign-in/email", {
          json: { email: uniqueEmail(), password: "wrong password!!" },
          headers: { "x-forwarded-for": spoofed, "x-real-ip": spoofed, [`x-authbridge-client-ip`]: spoofed },
        });
        expect(response.status).toBe(429);
      }
      // Sign-up shares the credential budget of the address.
      expect((await browser.signUp(uniqueEmail())).status).toBe(429);
    });
  });

  describe("Better Auth's own limiter", () => {
    let running: RunningAuthService;
    beforeAll(async () => {
      running = await startAuthService();
    });
    afterAll(() => running.stop());

    it("keys on the address Express computed, whatever client-ip header the client sends", async () => {
      // /change-password is limited by Better Auth alone (3 requests per 10 s per address).
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const spoofed = `203.0.113.${attempt + 20}`;
        const response = await new Browser(running.url).request("/api/auth/change-password", {
          json: { currentPassword: "x", newPassword: "y" },
          headers: { "x-forwarded-for": spoofed, "x-authbridge-client-ip": spoofed },
        });
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 3).every((status) => status !== 429)).toBe(true);
      expect(statuses.slice(3)).toEqual([429, 429]);
    });
  });

  describe("behind a trusted proxy (TRUST_PROXY=loopback)", () => {
    let running: RunningAuthService;
    beforeAll(async () => {
      running = await startAuthService({ AUTH_RATE_LIMIT_MAX: String(MAX), TRUST_PROXY: "loopback" });
    });
    afterAll(() => running.stop());

    it("limits each client address the proxy reports separately", async () => {
      const browser = new Browser(running.url);
      expect(await exhaust(browser, { "x-forwarded-for": "203.0.113.10" })).toEqual([401, 401, 401]);
      const limited = await browser.request("/api/auth/sign-in/email", {
        json: { email: uniqueEmail(), password: "wrong password!!" },
        headers: { "x-forwarded-for": "203.0.113.10" },
      });
      expect(limited.status).toBe(429);
      const other = await browser.request("/api/auth/sign-in/email", {
        json: { email: uniqueEmail(), password: "wrong password!!" },
        headers: { "x-forwarded-for": "203.0.113.11" },
      });
      expect(other.status).toBe(401);
    });
  });
});
