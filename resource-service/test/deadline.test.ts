// The per-request deadline of every service's base app (service-kit's
// createBaseApp, REQUEST_TIMEOUT_MS): the last resort against whatever hangs
// a request. It answers 503 deadline_exceeded with Retry-After; the handler
// that finishes later neither crashes the process nor logs a bogus 500, and
// the connection goes on serving.
import { memoryLog } from "@authbridge/devstack/testing";
import { createBaseApp, createLogger, errorHandler, listen, type Listener } from "@authbridge/service-kit";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";

const DEADLINE_MS = 300;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("the request deadline", () => {
  const { lines, stream } = memoryLog();
  let listener: Listener;
  let finishedLate = 0;
  // Express's final handler prints what reaches it to the console (outside NODE_ENV=test).
  const consoleErrors: unknown[][] = [];
  const consoleError = console.error;

  beforeAll(async () => {
    console.error = (...args: unknown[]) => void consoleErrors.push(args);
    const logger = createLogger("deadline-test", "debug", stream);
    const app = createBaseApp({ settings: { trustProxy: false, corsOrigins: [], requestTimeoutMs: DEADLINE_MS }, logger, credentials: false, exposedHeaders: [] });
    app.set("env", "production");
    app.get("/late-answer", async (_req, res) => {
      await sleep(DEADLINE_MS * 2);
      finishedLate += 1;
      res.json({ late: true });
    });
    app.get("/late-error", async () => {
      await sleep(DEADLINE_MS * 2);
      finishedLate += 1;
      throw new Error("failed after the deadline");
    });
    app.get("/quick", (_req, res) => {
      res.json({ quick: true });
    });
    app.use(errorHandler(logger));
    listener = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 1_000 });
  });
  afterAll(async () => {
    console.error = consoleError;
    await listener.close();
  });

  it.each(["/late-answer", "/late-error"])("answers %s 503 deadline_exceeded at its deadline, and drops what the handler does later", async (path) => {
    const started = performance.now();
    const response = await fetch(`${listener.url}${path}`);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { code: string }).code).toBe("deadline_exceeded");
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 500);

    const before = finishedLate;
    await sleep(DEADLINE_MS * 2);
    expect(finishedLate).toBe(before + 1);
    // Still serving; the request logged once, as the 503 it got, and no 500 or unhandled error.
    expect((await fetch(`${listener.url}/quick`)).status).toBe(200);
    expect(lines.filter((line) => line.includes(`"path":"${path}"`)).map((line) => (JSON.parse(line) as { res?: { statusCode?: number } }).res?.statusCode)).toEqual([503]);
    expect(lines.filter((line) => /unhandled error|"statusCode":500|"level":60/.test(line))).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it("answers requests in flight together each at its own deadline, not at the first one's", async () => {
    // One timer sweeps every request in flight: one that started later must not be answered with the first.
    const timed = async (delay: number) => {
      await sleep(delay);
      const started = performance.now();
      const response = await fetch(`${listener.url}/late-answer`);
      return { status: response.status, elapsed: performance.now() - started };
    };
    const answers = await Promise.all([timed(0), timed(DEADLINE_MS / 2), timed(DEADLINE_MS - 50)]);
    for (const { status, elapsed } of answers) {
      expect(status).toBe(503);
      expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
      expect(elapsed).toBeLessThan(DEADLINE_MS + 500);
    }
    await sleep(DEADLINE_MS * 2);
  });

  it("leaves requests answered in time alone", async () => {
    const response = await fetch(`${listener.url}/quick`);
    expect(response.status).toBe(200);
    await sleep(DEADLINE_MS + 100);
    expect(lines.filter((line) => line.includes('"path":"/quick"') && !line.includes('"statusCode":200'))).toEqual([]);
  });
});
