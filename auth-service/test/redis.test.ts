// Rate limits shared through Redis: two instances limit a client as one
// would; with Redis unreachable, limits fail open and nothing crashes.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const MAX = 4;

describe("rate limits across instances (Redis)", () => {
  let first: RunningAuthService;
  let second: RunningAuthService;
  beforeAll(async () => {
    // A prefix of its own, so parallel runs never share counters.
    const env = { REDIS_URL: "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: `authbridge-test-${randomBytes(6).toString("hex")}:`, AUTH_RATE_LIMIT_MAX: String(MAX) };
    first = await startAuthService(env);
    second = await startAuthService(env, first.database);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it("limits sign-in attempts spread over two instances as if there were one", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < MAX + 2; attempt += 1) {
      const instance = attempt % 2 === 0 ? first : second;
      statuses.push((await new Browser(instance.url).signIn(uniqueEmail("spread"), "wrong password!!")).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

describe("rate limits with Redis unreachable", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService({ REDIS_URL: "redis://127.0.0.1:1", AUTH_RATE_LIMIT_MAX: "2" });
  });
  afterAll(() => running.stop());

  it("fail open: requests are served (no 5xx, no crash), and the outage is logged once", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      statuses.push((await new Browser(running.url).signIn(uniqueEmail("open"), "wrong password!!")).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    expect(running.logs.filter((line) => line.includes("Redis is unreachable"))).toHaveLength(1);
  });
});
