// /metrics over real HTTP, with real tokens from a test issuer: the counters
// move by exactly what the requests did, labels carry route templates and
// fixed codes (never an id, an email or a token), and the endpoint is served
// only where the settings say.
import { createTestDatabase, metricsDelta, metricValue, scrapeMetrics } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, freePort, startPair, startResourceService, type Pair } from "./helpers.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789abcdef";

describe("metrics on a listener of their own (METRICS_PORT)", () => {
  let pair: Pair;
  let metricsUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    pair = await startPair({ METRICS_PORT: String(port) });
  });
  afterAll(() => pair?.stop());

  it("counts requests by route template and status, and every token decision by outcome and reason", async () => {
    const token = await pair.issuer.mint();
    const now = Math.floor(Date.now() / 1000);
    const expired = await pair.issuer.mint({ iat: now - 960, exp: now - 60 });
    const foreign = await pair.issuer.mint({}, { key: await pair.issuer.foreignKey() });
    const before = await scrapeMetrics(metricsUrl);

    expect((await call(pair.api, "/api/v1/users/me", { token })).status).toBe(200); // verified: a cache miss, the first JWKS fetch
    expect((await call(pair.api, "/api/v1/users/me", { token })).status).toBe(200); // remembered: a hit
    const created = await call(pair.api, "/api/v1/posts", { token, json: { title: "Counted", body: "Once", visibility: "public" } }); // a hit
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call(pair.api, `/api/v1/posts/${id}`)).status).toBe(200); // anonymous: no token decision
    await expectProblem(await call(pair.api, "/api/v1/users/me"), 401, "token_missing");
    await expectProblem(await call(pair.api, "/api/v1/users/me", { token: expired }), 401, "token_expired"); // a miss
    await expectProblem(await call(pair.api, "/api/v1/users/me", { token: foreign }), 401, "token_invalid"); // a miss; within the cooldown, no refetch
    await expectProblem(await call(pair.api, "/api/v1/users/me", { headers: { authorization: "Bearer a b" } }), 400, "invalid_request");
    await expectProblem(await call(pair.api, `/api/v1/users/me?access_token=${token}`), 400, "invalid_request");
    await expectProblem(await call(pair.api, `/no/such/${id}`), 404, "not_found");

    const after = await scrapeMetrics(metricsUrl);
    const change = metricsDelta(before, after);
    const requests = (method: string, route: string, status: number) => change("http_requests_total", { method, route, status_code: String(status) });
    expect({
      meOk: requests("GET", "/api/v1/users/me", 200),
      meUnauthorized: requests("GET", "/api/v1/users/me", 401),
      meBadRequest: requests("GET", "/api/v1/users/me", 400),
      created: requests("POST", "/api/v1/posts", 201),
      read: requests("GET", "/api/v1/posts/:id", 200),
      unmatched: requests("GET", "unmatched", 404),
      all: change("http_requests_total"),
      timed: change("http_request_duration_seconds_count"),
      timedMeOk: change("http_request_duration_seconds_count", { method: "GET", route: "/api/v1/users/me", status_code: "200" }),
    }).toEqual({ meOk: 2, meUnauthorized: 3, meBadRequest: 2, created: 1, read: 1, unmatched: 1, all: 10, timed: 10, timedMeOk: 2 });

    const verifications = (outcome: string, reason: string) => change("authbridge_token_verifications_total", { outcome, reason });
    expect({
      ok: verifications("ok", "ok"),
      missing: verifications("token_missing", "missing"),
      expired: verifications("token_expired", "expired"),
      unknownKid: verifications("token_invalid", "unknown_kid"),
      malformedHeader: verifications("invalid_request", "malformed_header"),
      tokenInQuery: verifications("invalid_request", "token_in_query"),
      all: change("authbridge_token_verifications_total"),
      cacheHits: change("authbridge_token_cache_lookups_total", { result: "hit" }),
      cacheMisses: change("authbridge_token_cache_lookups_total", { result: "miss" }),
      jwksOk: change("authbridge_jwks_fetches_total", { result: "ok" }),
      jwksAll: change("authbridge_jwks_fetches_total"),
    }).toEqual({ ok: 3, missing: 1, expired: 1, unknownKid: 1, malformedHeader: 1, tokenInQuery: 1, all: 8, cacheHits: 2, cacheMisses: 3, jwksOk: 1, jwksAll: 1 });
    expect(metricValue(after, "authbridge_jwks_keys")).toBe(1);
    expect(metricValue(after, "authbridge_jwks_degraded")).toBe(0);

    // Every reason is a series from the start (so rate() works before the first failure).
    expect(after.filter((sample) => sample.name === "authbridge_token_verifications_total").length).toBe(23);
    expect(metricValue(after, "authbridge_token_verifications_total", { outcome: "token_invalid", reason: "bad_signature" })).toBe(0);

    // No label carries an id, an email, a token or a raw path.
    const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString()) as Record<string, string>;
    const secrets = [token, id, claims.sub, claims.sid, claims.email, "/no/such"] as string[];
    for (const sample of after) {
      for (const value of Object.values(sample.labels)) {
        for (const secret of secrets) expect(value).not.toContain(secret);
      }
      if (sample.labels.route !== undefined) expect(sample.labels.route).toMatch(/^(unmatched|\/[a-z0-9/:._-]*)$/);
    }
  });

  it("serves the process's default metrics, labelled with the service", async () => {
    const samples = await scrapeMetrics(metricsUrl);
    expect(samples.find((sample) => sample.name === "process_cpu_user_seconds_total")?.labels).toEqual({ service: "resource-service" });
    expect(samples.find((sample) => sample.name === "nodejs_heap_size_used_bytes")?.value).toBeGreaterThan(0);
    expect(samples.every((sample) => sample.labels.service === "resource-service")).toBe(true);
  });

  it("never serves /metrics on the main port, and answers nothing else on the metrics port", async () => {
    await expectProblem(await call(pair.api, "/metrics"), 404, "not_found");
    const other = await fetch(metricsUrl.replace(/\/metrics$/, "/api/v1/users/me"));
    await expectProblem(other, 404, "not_found");
    const response = await fetch(metricsUrl);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("metrics behind a bearer token on the main port (METRICS_TOKEN)", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair({ METRICS_TOKEN });
  });
  afterAll(() => pair?.stop());

  it("answers 401 with a challenge without the token or with another one", async () => {
    const wrong: Array<Record<string, string>> = [{}, { authorization: `Bearer ${METRICS_TOKEN}x` }, { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` }];
    for (const headers of wrong) {
      const response = await call(pair.api, "/metrics", { headers });
      await expectProblem(response, 401, "unauthorized");
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    }
  });

  it("serves them with the token, and counts its own route like any other", async () => {
    const before = await scrapeMetrics(`${pair.api.url}/metrics`, METRICS_TOKEN);
    await call(pair.api, "/metrics");
    const after = await scrapeMetrics(`${pair.api.url}/metrics`, METRICS_TOKEN);
    const change = metricsDelta(before, after);
    expect(change("http_requests_total", { method: "GET", route: "/metrics", status_code: "401" })).toBe(1);
    expect(change("http_requests_total", { method: "GET", route: "/metrics", status_code: "200" })).toBe(1);
  });
});

describe("metrics switched off (the default)", () => {
  it("serves no /metrics anywhere", async () => {
    const pair = await startPair();
    try {
      await expectProblem(await call(pair.api, "/metrics"), 404, "not_found");
    } finally {
      await pair.stop();
    }
  });
});

describe("the metrics listener's lifecycle", () => {
  it("closes with the service, and a metrics port that is taken stops the start", async () => {
    const port = await freePort();
    const pair = await startPair({ METRICS_PORT: String(port), METRICS_TOKEN });
    const url = `http://127.0.0.1:${port}/metrics`;
    await expectProblem(await fetch(url), 401, "unauthorized");
    expect((await scrapeMetrics(url, METRICS_TOKEN)).length).toBeGreaterThan(0);

    // A second service on the same metrics port cannot start, and closes the main port it had opened.
    const database = await createTestDatabase("resource-service");
    const mainPort = await freePort();
    try {
      await expect(startResourceService(pair.issuer, { PORT: String(mainPort), METRICS_PORT: String(port) }, database)).rejects.toThrow(/EADDRINUSE/);
      await expect(fetch(`http://127.0.0.1:${mainPort}/healthz`)).rejects.toThrow();
    } finally {
      await database.drop();
    }

    await pair.stop();
    await expect(fetch(url)).rejects.toThrow();
  });
});
