// lifecycle.ts: a service's start, readiness, graceful stop and metrics
// listener, over real HTTP on ephemeral ports; runMain in a real child process
// stopped by a real signal.
import { describe, expect, it } from "@jest/globals";
import { isListening } from "@authbridge/devstack";
import { eventually, expectProblem, freePort, parseMetrics } from "@authbridge/devstack/testing";
import { fork, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import express from "express";
import { errorHandler, healthRoutes, installMetrics, serviceLifecycle, type LifecycleOptions } from "../src/index.js";
import { testLogger } from "./helpers.js";

/** Whether something accepts connections on 127.0.0.1:`port` (a slow machine gets 5 s to answer). */
const accepts = (port: number) => isListening("127.0.0.1", port, 5_000);

function lifecycleOn(port: number, options: Partial<LifecycleOptions> = {}) {
  const released: string[] = [];
  const lifecycle = serviceLifecycle({
    listen: { host: "127.0.0.1", port, shutdownTimeoutMs: 5_000 },
    release: async () => {
      released.push("released");
    },
    ...options,
  });
  return { lifecycle, released };
}

describe("serviceLifecycle", () => {
  it("prepares before the port opens, answers ready, and on close answers 503 while it drains, then closes the port and releases", async () => {
    const port = await freePort();
    let openWhilePreparing: boolean | undefined;
    const { lifecycle, released } = lifecycleOn(port, {
      listen: { host: "127.0.0.1", port, shutdownTimeoutMs: 5_000, shutdownDelayMs: 3_000 },
      beforeListen: async () => {
        openWhilePreparing = await accepts(port);
      },
    });
    const app = express();
    healthRoutes(app, { isReady: async () => true, isShuttingDown: lifecycle.isShuttingDown });
    app.use(errorHandler(testLogger().logger));
    const url = await lifecycle.start(app);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(openWhilePreparing).toBe(false);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    const closing = lifecycle.close();
    expect(lifecycle.isShuttingDown()).toBe(true);
    // Still accepting (SHUTDOWN_DELAY_MS), so balancers see it unready before the port closes.
    const unready = await fetch(`${url}/readyz`);
    expect(unready.headers.get("connection")).toBe("close");
    await expectProblem(unready, 503, "shutting_down");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(released).toEqual([]);
    await closing;
    expect(released).toEqual(["released"]);
    expect(await accepts(port)).toBe(false);
    // close() is idempotent: it neither releases twice nor fails.
    await lifecycle.close();
    expect(released).toEqual(["released"]);
  });

  it("releases what it holds when the start fails (the port is taken), and rejects with the cause", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const { lifecycle, released } = lifecycleOn(port);
      await expect(lifecycle.start(express())).rejects.toMatchObject({ code: "EADDRINUSE" });
      expect(released).toEqual(["released"]);
      expect(lifecycle.isShuttingDown()).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("opens installMetrics's listener (METRICS_PORT) beside the app, serves /metrics only there, and closes it too", async () => {
    const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
    const app = express();
    const metrics = installMetrics(app, { service: "kit-test", settings: { port: metricsPort, host: "127.0.0.1", token: undefined }, logger: testLogger().logger });
    expect(metrics?.endpoint).toMatchObject({ host: "127.0.0.1", port: metricsPort });
    app.get("/items/:id", (_req, res) => {
      res.json({ ok: true });
    });
    const { lifecycle } = lifecycleOn(port);
    const url = await lifecycle.start(app, metrics?.endpoint);
    try {
      expect((await fetch(`${url}/items/42`)).status).toBe(200);
      expect((await fetch(`${url}/metrics`)).status).toBe(404);
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      const samples = parseMetrics(await scrape.text());
      expect(samples).toContainEqual(
        expect.objectContaining({ name: "http_requests_total", labels: { service: "kit-test", method: "GET", route: "/items/:id", status_code: "200" }, value: 1 }),
      );
    } finally {
      await lifecycle.close();
    }
    expect(await accepts(metricsPort)).toBe(false);
  });

  it("serves /metrics on the app's own port, to the metrics token only, when there is no METRICS_PORT", async () => {
    const port = await freePort();
    const app = express();
    const metrics = installMetrics(app, { service: "kit-test", settings: { port: undefined, host: "127.0.0.1", token: "metrics-token" }, logger: testLogger().logger });
    expect(metrics?.endpoint).toBeUndefined();
    app.use(errorHandler(testLogger().logger));
    const { lifecycle } = lifecycleOn(port);
    const url = await lifecycle.start(app, metrics?.endpoint);
    try {
      const refused = await fetch(`${url}/metrics`);
      expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      await expectProblem(refused, 401, "unauthorized");
      expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer metrics-token" } })).status).toBe(200);
    } finally {
      await lifecycle.close();
    }
  });
});

const fixture = fileURLToPath(new URL("fixtures/service.ts", import.meta.url));

/** Runs the fixture service as its own process, as the stack runs a service (an IPC channel, "ready" when it listens). */
function runFixture(env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = fork(fixture, [], { env: { PATH: process.env.PATH, ...env }, execArgv: ["--conditions=source", "--import", "tsx"], stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exit };
}

describe("runMain", () => {
  it("reports ready over IPC, and on SIGTERM answers the request in flight, refuses new connections and exits 0", async () => {
    const port = await freePort();
    const service = runFixture({ PORT: String(port) });
    const ready = await new Promise<{ type: string; url: string }>((resolve, reject) => {
      service.child.once("message", (message) => resolve(message as { type: string; url: string }));
      void service.exit.then(() => reject(new Error(`the fixture exited before it was ready:\n${service.output()}`)));
    });
    expect(ready).toEqual({ type: "ready", url: `http://127.0.0.1:${port}` });

    const inFlight = fetch(`${ready.url}/slow?ms=1500`);
    await eventually(async () => service.output().includes("slow request started"), "the slow request to start", 60_000);
    service.child.kill("SIGTERM");
    const answer = await inFlight;
    expect({ status: answer.status, connection: answer.headers.get("connection"), body: await answer.json() }).toEqual({ status: 200, connection: "close", body: { done: true } });
    expect(await service.exit).toEqual({ code: 0, signal: null });
    expect(await accepts(port)).toBe(false);
    const lines = service.output().split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { msg?: string; reason?: string });
    expect(lines).toContainEqual(expect.objectContaining({ msg: "shutting down", reason: "SIGTERM" }));
    expect(lines.map((line) => line.msg)).toContain("released");
  });

  it("ends the process with the configuration error's message, exit code 1 and no stack trace", async () => {
    const service = runFixture({ FIXTURE_INVALID: "1" });
    expect(await service.exit).toEqual({ code: 1, signal: null });
    expect(service.output()).toBe("The fixture-service configuration is invalid: PORT must be a number.\n");
  });
});
