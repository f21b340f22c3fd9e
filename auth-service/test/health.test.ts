import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createTestDatabase, endConnections, proxiedDatabase, type CuttableProxy, type TestDatabase } from "@authbridge/devstack/testing";
import { Browser, expectProblem, startAuthService, type RunningAuthService } from "./helpers.js";

describe("health and readiness", () => {
  let database: TestDatabase;
  let proxy: CuttableProxy;
  let running: RunningAuthService;

  beforeAll(async () => {
    database = await createTestDatabase("auth-service");
    let url: string;
    ({ proxy, url } = await proxiedDatabase(database.url));
    running = await startAuthService({}, { ...database, url });
  });
  afterAll(async () => {
    await running.stop();
    await proxy.down();
    await database.drop();
  });

  it("is live and ready while the database answers", async () => {
    const live = await fetch(`${running.url}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("survives PostgreSQL ending its idle connections (a restart, a failover, an idle timeout), and serves on new ones", async () => {
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    expect(await endConnections(database)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${running.url}/api/auth/jwks`)).status).toBe(200);
  });

  it("stays live but is not ready while the database is down, and recovers without a restart", async () => {
    await proxy.down();
    await expectProblem(await fetch(`${running.url}/readyz`), 503, "database_unavailable");
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const signIn = await new Browser(running.url).signIn("down@example.com", "whatever it is here");
    const body = await expectProblem(signIn, 503, "database_unavailable");
    expect(JSON.stringify(body)).not.toMatch(/ECONN|prisma|postgres|stack/i);

    await proxy.up();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt += 1) {
      status = (await fetch(`${running.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
  });
});
