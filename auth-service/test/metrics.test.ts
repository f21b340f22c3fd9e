// /metrics of the real auth-service over HTTP: tokens issued, sign-in failures
// by Better Auth's code, rate-limit rejections by limiter, requests by
// endpoint template; no label carries an email, an id, a session or a token;
// the endpoint is served only where the settings say.
import { metricsDelta, metricValue, scrapeMetrics } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, expectProblem, freePort, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789abcdef";

describe("the auth-service's metrics (METRICS_PORT)", () => {
  let running: RunningAuthService;
  let metricsUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    running = await startAuthService({ METRICS_PORT: String(port), AUTH_RATE_LIMIT_MAX: "3", AUTH_RATE_LIMIT_WINDOW_SECONDS: "60" });
  });
  afterAll(() => running?.stop());

  it("counts tokens issued, sign-in failures and rate-limit rejections exactly, by fixed labels", async () => {
    const browser = new Browser(running.url);
    const email = uniqueEmail("metrics");
    const resetToken = "reset-token-that-must-not-be-a-label";
    const before = await scrapeMetrics(metricsUrl);

    const signedUp = await browser.signUp(email);
    expect(signedUp.status).toBe(200);
    const { user } = (await signedUp.json()) as { user: { id: string } };
    await expectProblem(await browser.signIn(email, "not the password at all"), 401, "INVALID_EMAIL_OR_PASSWORD");
    expect((await browser.signIn(email)).status).toBe(200);
    await expectProblem(await browser.signIn(email), 429, "RATE_LIMITED"); // the fourth credential attempt from this address

    const tokens: string[] = [];
    for (let call = 0; call < 2; call += 1) {
      const response = await browser.request("/api/auth/token");
      expect(response.status).toBe(200);
      tokens.push(((await response.json()) as { token: string }).token);
    }
    const session = await browser.request("/api/auth/get-session");
    expect(session.status).toBe(200);
    tokens.push(session.headers.get("set-auth-jwt") ?? "missing");

    // Better Auth's own limiter: /change-password allows 3 requests per 10 s per address.
    const changes: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      changes.push((await browser.request("/api/auth/change-password", { json: { currentPassword: "x", newPassword: "y" } })).status);
    }
    const betterAuthLimited = changes.filter((status) => status === 429).length;
    expect(betterAuthLimited).toBeGreaterThan(0);
    await browser.request(`/api/auth/reset-password/${resetToken}?callbackURL=/`);

    const after = await scrapeMetrics(metricsUrl);
    const change = metricsDelta(before, after);
    expect({
      viaEndpoint: change("authbridge_tokens_issued_total", { via: "token_endpoint" }),
      viaHeader: change("authbridge_tokens_issued_total", { via: "set_auth_jwt_header" }),
      wrongPassword: change("authbridge_sign_in_failures_total", { code: "INVALID_EMAIL_OR_PASSWORD" }),
      signInFailures: change("authbridge_sign_in_failures_total"),
      expressSignIn: change("authbridge_rate_limit_rejections_total", { limiter: "express", endpoint: "/api/auth/sign-in/email" }),
      expressAll: change("authbridge_rate_limit_rejections_total", { limiter: "express" }),
      betterAuth: change("authbridge_rate_limit_rejections_total", { limiter: "better_auth", endpoint: "/api/auth/change-password" }),
      betterAuthAll: change("authbridge_rate_limit_rejections_total", { limiter: "better_auth" }),
    }).toEqual({
      viaEndpoint: 2,
      viaHeader: 1,
      wrongPassword: 1,
      signInFailures: 1,
      expressSignIn: 1,
      expressAll: 1,
      betterAuth: betterAuthLimited,
      betterAuthAll: betterAuthLimited,
    });

    const requests = (method: string, route: string, status: number) => change("http_requests_total", { method, route, status_code: String(status) });
    expect({
      signUp: requests("POST", "/api/auth/sign-up/email", 200),
      signInOk: requests("POST", "/api/auth/sign-in/email", 200),
      signInRefused: requests("POST", "/api/auth/sign-in/email", 401),
      signInLimited: requests("POST", "/api/auth/sign-in/email", 429),
      token: requests("GET", "/api/auth/token", 200),
      session: requests("GET", "/api/auth/get-session", 200),
      changePassword: change("http_requests_total", { method: "POST", route: "/api/auth/change-password" }),
      resetPassword: requests("GET", "/api/auth/reset-password/:token", 302),
      // fetch follows that redirect to the callbackURL, "/", which no route serves.
      unmatched: requests("GET", "unmatched", 404),
      all: change("http_requests_total"),
    }).toEqual({ signUp: 1, signInOk: 1, signInRefused: 1, signInLimited: 1, token: 2, session: 1, changePassword: 5, resetPassword: 1, unmatched: 1, all: 14 });

    const cookie = browser.cookieHeader;
    expect(cookie).not.toBe("");
    const secrets = [email, user.id, resetToken, ...tokens, ...cookie.split("; ").map((pair) => pair.slice(pair.indexOf("=") + 1))];
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) for (const secret of secrets) expect(value).not.toContain(secret);
      expect(sample.labels.service).toBe("auth-service");
    }
    expect(after.find((sample) => sample.name === "process_resident_memory_bytes")?.value).toBeGreaterThan(0);
  });

  it("never serves /metrics on the main port", async () => {
    await expectProblem(await fetch(`${running.url}/metrics`), 404, "not_found");
  });
});

describe("the auth-service's metrics behind METRICS_TOKEN", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService({ METRICS_TOKEN });
  });
  afterAll(() => running?.stop());

  it("answers 401 without the token, and the metrics with it", async () => {
    const refused = await fetch(`${running.url}/metrics`);
    await expectProblem(refused, 401, "unauthorized");
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    await expectProblem(await fetch(`${running.url}/metrics`, { headers: { authorization: "Bearer not-the-metrics-token-at-all-0123456789" } }), 401, "unauthorized");
    const samples = await scrapeMetrics(`${running.url}/metrics`, METRICS_TOKEN);
    expect(metricValue(samples, "authbridge_tokens_issued_total")).toBe(0);
  });
});
