// npm run soak: a minute at 70% of the capacity measured first, against one
// auth-service and one resource-service (run from their sources, as by
// `npm start`), with request logs on. Prints the numbers and writes them to
// artifacts/soak-<time>.json.
//
//   SOAK_SECONDS (60), SOAK_FRACTION (0.7), SOAK_CAPACITY_SECONDS (10),
//   SOAK_MAX_OLD_SPACE_MB (unset: V8's default; set, it caps both services' heap,
//   which tells a heap that grows lazily from one that leaks)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@authbridge/devstack";
import { withTestDatabases } from "@authbridge/devstack/testing/runner";
import { startFleet } from "../fleet.js";
import { soak } from "../soak.js";

const seconds = (name: string, fallback: number) => Number(process.env[name] ?? fallback) * 1000;
const log = (line: string) => process.stdout.write(`[soak] ${line}\n`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

const result = await withTestDatabases(async () => {
  log("starting one auth-service and one resource-service");
  const heapCap = process.env.SOAK_MAX_OLD_SPACE_MB ? { NODE_OPTIONS: `--max-old-space-size=${Number(process.env.SOAK_MAX_OLD_SPACE_MB)}` } : {};
  const fleet = await startFleet({ authInstances: 1, resourceInstances: 1, authEnv: { AUTH_RATE_LIMIT_MAX: "100000", ...heapCap }, resourceEnv: heapCap });
  try {
    return await soak(
      fleet,
      {
        warmUpMs: 5_000,
        capacityMs: seconds("SOAK_CAPACITY_SECONDS", 10),
        soakMs: seconds("SOAK_SECONDS", 60),
        fraction: Number(process.env.SOAK_FRACTION ?? 0.7),
        users: 20,
        sampleEveryMs: 5_000,
      },
      log,
    );
  } finally {
    await fleet.stop();
  }
});

const { soak: summary } = result;
log(`capacity: ${result.capacity.rate} requests/s (p50 ${result.capacity.p50} ms, p99 ${result.capacity.p99} ms)`);
log(`soak at ${result.targetRate}/s: ${summary.requests} requests, ${result.errors} errors (${JSON.stringify(summary.statuses)}, network ${JSON.stringify(summary.errors)}), skipped ${result.skipped}`);
log(`latency: p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms`);
for (const process_ of result.rss) log(`RSS ${process_.name}: ${mb(process_.startKb)} at the start, ${mb(process_.endKb)} at the end (peak ${mb(process_.peakKb)})`);
const dir = path.join(repoRoot, "artifacts");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
log(`written to ${path.relative(repoRoot, file)}`);
process.exitCode = result.errors === 0 ? 0 : 1;
