// wrk, as the issue measures: one thread, N connections, a Lua script that prints the summary
// as JSON. A run is killed if it outlives its duration by 15 s.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadGenerator, LoadRequest, LoadResult } from "./types.js";

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "report.lua");

interface WrkSummary {
  requests: number;
  durationUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
}

function run(wrkPath: string, request: LoadRequest): Promise<LoadResult> {
  const headers = Object.entries(request.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]);
  const args = ["-t1", `-c${request.connections}`, `-d${request.durationSeconds}s`, "--timeout", "5s", "-s", script, ...headers, request.url];
  return new Promise((resolve, reject) => {
    execFile(wrkPath, args, { timeout: (request.durationSeconds + 15) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`.trimEnd()));
      const line = stdout.split("\n").find((text) => text.startsWith("{"));
      if (!line) return reject(new Error(`wrk printed no summary:\n${stdout}${stderr}`));
      const s = JSON.parse(line) as WrkSummary;
      const { connect, read, write, timeout } = s.errors;
      resolve({
        requests: s.requests,
        requestsPerSecond: s.requests / (s.durationUs / 1e6),
        latencyMs: { p50: s.p50Us / 1000, p99: s.p99Us / 1000, max: s.maxUs / 1000 },
        failures: { status: s.errors.status, errors: connect + read + write + timeout },
      });
    });
  });
}

export function wrk(wrkPath: string): LoadGenerator {
  return { description: `wrk (1 thread, Lua summary)`, run: (request) => run(wrkPath, request) };
}
