import { createTestDatabase, endConnections, proxiedDatabase, type CuttableProxy, type TestDatabase } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { AUDIENCE, call, expectProblem, startResourceService, type RunningResourceService } from "./helpers.js";

describe("health, readiness and a database outage", () => {
  let database: TestDatabase;
  let proxy: CuttableProxy;
  let issuer: TestIssuer;
  let api: RunningResourceService;

  beforeAll(async () => {
    database = await createTestDatabase("resource-service");
    let url: string;
    ({ proxy, url } = await proxiedDatabase(database.url));
    issuer = await startTestIssuer({ audience: AUDIENCE });
    api = await startResourceService(issuer, {}, { ...database, url });
  });
  afterAll(async () => {
    await api.stop();
    await proxy.down();
    await issuer.stop();
    await database.drop();
  });

  it("is live and ready while the database answers", async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ status: "ready" });
  });

  it("survives PostgreSQL ending its idle connections (a restart, a failover, an idle timeout), and serves on new ones", async () => {
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    expect(await endConnections(database)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    expect((await call(api, `/api/v1/users/nobody`)).status).toBe(404);
  });

  it("answers 503 problem+json (readiness and API, no internals) while the database is down, and recovers without a restart", async () => {
    const token = await issuer.mint({ sub: "outage-user" });
    await proxy.down();
    await expectProblem(await fetch(`${api.url}/readyz`), 503, "database_unavailable");
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const down = await call(api, "/api/v1/posts", { token, json: { title: "t", body: "b" } });
    expect(down.headers.get("retry-after")).toBe("5");
    const body = await expectProblem(down, 503, "database_unavailable");
    await expectProblem(await call(api, "/api/v1/posts"), 503, "database_unavailable");
    expect(JSON.stringify(body)).not.toMatch(/ECONN|prisma|postgres|stack/i);

    await proxy.up();
    let status = 0;
    for (let attempt = 0; attempt < 30 && status !== 200; attempt += 1) {
      status = (await fetch(`${api.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect((await call(api, "/api/v1/posts", { token, json: { title: "t", body: "b" } })).status).toBe(201);
  });
});
