import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createTestDatabase, type TestDatabase } from "@authbridge/devstack/testing";
import net from "node:net";
import { Browser, expectProblem, freePort, startAuthService, type RunningAuthService } from "./helpers.js";

/** A TCP proxy to PostgreSQL that the test can cut and restore, to take "the database" down and back. */
class CuttableProxy {
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, "127.0.0.1", resolve));
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe("health and readiness", () => {
  let database: TestDatabase;
  let proxy: CuttableProxy;
  let running: RunningAuthService;

  beforeAll(async () => {
    database = await createTestDatabase("auth-service");
    const target = new URL(database.url);
    proxy = new CuttableProxy(await freePort(), { host: target.hostname, port: Number(target.port || 5432) });
    await proxy.up();
    const viaProxy = new URL(database.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    running = await startAuthService({}, { ...database, url: viaProxy.toString() });
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

  it("stays live but is not ready while the database is down, and recovers without a restart", async () => {
    await proxy.down();
    await expectProblem(await fetch(`${running.url}/readyz`), 503, "database_unavailable");
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const signIn = await new Browser(running.url).signIn("down@example.com", "whatever it is here");
    const body = await expectProblem(signIn, 500, "internal_error");
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
