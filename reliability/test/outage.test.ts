// Issue 5, faults: the auth-service down for longer than the verifiers' key
// cache lifetime, then back; and SIGTERM under load with clients connected to
// the instances themselves. Counts are asserted, never durations.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import { startFleet, type Fleet } from "../src/fleet.js";
import { authOutage } from "../src/scenarios/outage.js";
import { sigtermDirect } from "../src/scenarios/sigterm.js";
import { failures, report } from "../src/stats.js";
import { fetchToken, signUpUser } from "../src/users.js";

// The verifiers' shortest cache lifetime (they never cache the JWKS for less than 30 s).
const CACHE_SECONDS = 30;
const COOLDOWN_SECONDS = 5;

describe("one auth-service and two resource-service instances", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      authInstances: 1,
      resourceInstances: 2,
      authEnv: { JWKS_MAX_AGE_SECONDS: String(CACHE_SECONDS) },
      // No verified-token cache: every request goes to the key set, as a token never seen before would.
      resourceEnv: { AUTH_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS), AUTH_TOKEN_CACHE_SIZE: "0" },
    });
  }, 90_000);
  afterAll(() => fleet?.stop(), 60_000);

  it("keeps accepting valid tokens while the auth-service is down past the key cache lifetime, and recovers when it returns", async () => {
    const result = await authOutage(fleet, {
      outageMs: (CACHE_SECONDS + 6) * 1000,
      cacheLifetimeMs: CACHE_SECONDS * 1000,
      cooldownMs: COOLDOWN_SECONDS * 1000,
      validRate: 40,
      unknownRate: 10,
      recoveryTimeoutMs: 3 * COOLDOWN_SECONDS * 1000,
    });
    report("auth-service down", result);
    expect(result.valid.requests).toBeGreaterThan(0);
    expect(failures(result.valid)).toBe(0);
    expect(result.validWhileStale.requests).toBeGreaterThan(0);
    expect(failures(result.validWhileStale)).toBe(0);
    expect(result.unknownKids.requests).toBeGreaterThan(0);
    // 401 only before an instance's first failed JWKS fetch (it did not know the issuer was down);
    // after it, 503: an unknown kid may be a key created during the outage.
    expect(Object.keys(result.unknownKids.statuses).filter((status) => status !== "401" && status !== "503")).toEqual([]);
    expect(result.unknownKids.statuses[503]).toBeGreaterThan(result.unknownKids.requests / 2);
    for (const attempts of result.fetchAttempts) {
      expect(attempts).toBeGreaterThan(0);
      expect(attempts).toBeLessThanOrEqual(result.maxAttempts);
    }
    expect(result.outageLogged).toEqual([1, 1]);
    expect(result.recoveryLogged).toEqual([1, 1]);
    expect(result.newKeyIsNew).toBe(true);
    expect(result.newKeyAccepted).toEqual([true, true]);
  });

  it("answers a request in flight at SIGTERM with Connection: close, then refuses new connections", async () => {
    const instance = fleet.resource[1];
    const auth = fleet.auth[0];
    if (!instance || !auth) throw new Error("missing instances");
    const user = await signUpUser(auth.url, fleet.issuer, "drain");
    const token = await fetchToken(auth.url, fleet.issuer, user);
    const body = JSON.stringify({ title: "in flight", body: "sent in two halves" });
    // One keep-alive connection, open and accepted before the request that stays in flight.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http.get(`${instance.url}${path}`, { agent }, (response) => resolve(response.resume().statusCode ?? 0)).once("error", reject);
      });
    expect(await get("/healthz")).toBe(200);
    const request = http.request(`${instance.url}/api/v1/posts`, {
      method: "POST",
      agent,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    const answer = new Promise<http.IncomingMessage>((resolve, reject) => request.once("response", resolve).once("error", reject));
    request.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300)); // its headers are read: it is in flight
    const exited = instance.signal("SIGTERM");
    await instance.waitForLog("shutting down", 10_000);
    request.end(body.slice(10));
    const response = await answer;
    response.resume();
    expect(response.statusCode).toBe(201);
    expect(response.headers.connection).toBe("close");
    // A new connection (not one from a pool, which the draining server may still answer on).
    const next = await new Promise<string>((resolve) => {
      http
        .get(`${instance.url}/healthz`, { agent: false }, (r) => resolve(String(r.resume().statusCode)))
        .once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "unknown"));
    });
    expect(next).toBe("ECONNREFUSED");
    agent.destroy();
    expect(await exited).toBe(0);
  });

  it("answers every request it accepted when both services get SIGTERM under load, and refuses the rest cleanly", async () => {
    const result = await sigtermDirect(fleet, { auth: 0, resource: 0, concurrency: 16, durationMs: 3_000, termAtMs: 1_500 });
    report("SIGTERM, clients connected directly", result);
    expect(result.inFlight.requests).toBeGreaterThan(0);
    expect(failures(result.inFlight)).toBe(0);
    expect(result.afterTerm.errors.refused).toBeGreaterThan(0);
    // Every request was answered or refused before anything was sent: none was cut.
    expect(result.all.errors).toEqual({ refused: result.afterTerm.errors.refused, reset: 0, timeout: 0, other: 0 });
    for (const instance of result.instances) {
      expect(instance.exitCode).toBe(0);
      expect(instance.requestsLogged).toBe(instance.answersReceived);
    }
    expect(result.writes.rows).toBe(result.writes.created);
  });
});
