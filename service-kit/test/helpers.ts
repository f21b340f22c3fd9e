// Apps under test on an ephemeral port of 127.0.0.1, served by service-kit's
// own listen(), with their logs kept in memory.
import { afterEach } from "@jest/globals";
import { memoryLog } from "@authbridge/devstack/testing";
import type { Express } from "express";
import type { Logger } from "pino";
import { createLogger, listen, type Listener } from "../src/index.js";

const open: Listener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((listener) => listener.close()));
});

/** Serves `app` until the end of the test; resolves with its URL. */
export async function serve(app: Express): Promise<string> {
  const listener = await listen(app, { host: "127.0.0.1", port: 0, shutdownTimeoutMs: 1_000 });
  open.push(listener);
  return listener.url;
}

/** A logger whose lines (pino JSON) the test can read. */
export function testLogger(): { logger: Logger; lines: string[] } {
  const { lines, stream } = memoryLog();
  return { logger: createLogger("service-kit-test", "debug", stream), lines };
}
