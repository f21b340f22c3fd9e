// `npm run bench` (resource-service): in one run on this machine,
//   (a) GET /api/v1/posts/:id without authentication,
//   (b) the same with a bearer token (verified on every request),
//   (c) a bare Express route returning a small JSON,
//   (d) that bare route behind requireAuth,
// each with requests/s, p50/p99 latency and the server's peak RSS, and the
// ratios b/a and d/c. The two sides of each ratio are measured alternately,
// BENCH_ROUNDS times, and the medians reported: the load generator shares the
// machine's cores, so single runs vary by 10% or more. 127.0.0.1 only; each
// measurement is bounded in time.
// Options: BENCH_DURATION_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (64), AUTH_TOKEN_CACHE_SIZE
// (passed to the service; 0 measures verification without the verified-token cache).
import { ensureDatabase, dropDatabase, repoRoot, serviceDatabase, withDatabase } from "@authbridge/devstack";
import { resolveTestServer } from "@authbridge/devstack/testing/server";
import { ensureTemplate } from "@authbridge/devstack/testing/templates";
import { startTestIssuer } from "@authbridge/verifier/testing";
import autocannon from "autocannon";
import { fork, type ChildProcess } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const duration = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
const AUDIENCE = "http://localhost:4001";
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function start(entry: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = fork(entry, [], { env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`${entry} exited with ${code}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

interface Target {
  name: string;
  url: string;
  token?: string;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;

interface Row {
  name: string;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  peakRssMb: number;
  requests: number;
  runs: number[];
}

/** Measures two targets of one server alternately, `rounds` times each; reports the medians. */
async function measurePair(child: ChildProcess, first: Target, second: Target): Promise<[Row, Row]> {
  const runs = new Map<string, Array<{ rps: number; p50: number; p99: number; requests: number }>>();
  let peak = await rssKb(child.pid ?? 0);
  const sampler = setInterval(() => void rssKb(child.pid ?? 0).then((kb) => (peak = Math.max(peak, kb))), 100);
  for (const target of [first, second]) {
    await autocannon({ url: target.url, connections, duration: 2, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const target of [first, second]) {
      const result = await autocannon({ url: target.url, connections, duration, headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
      const list = runs.get(target.name) ?? [];
      list.push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total });
      runs.set(target.name, list);
    }
  }
  clearInterval(sampler);
  const summarize = (target: Target): Row => {
    const list = runs.get(target.name) ?? [];
    const row: Row = {
      name: target.name,
      requestsPerSecond: Math.round(median(list.map((run) => run.rps))),
      latencyMs: { p50: median(list.map((run) => run.p50)), p99: median(list.map((run) => run.p99)) },
      peakRssMb: Math.round(peak / 1024),
      requests: list.reduce((sum, run) => sum + run.requests, 0),
      runs: list.map((run) => Math.round(run.rps)),
    };
    log(`${row.name}: ${row.requestsPerSecond} req/s (runs ${row.runs.join(", ")}), p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, peak RSS ${row.peakRssMb} MB`);
    return row;
  };
  return [summarize(first), summarize(second)];
}

async function main(): Promise<void> {
  const server = await resolveTestServer(log);
  const issuer = await startTestIssuer({ audience: AUDIENCE });
  const database = `authbridge_bench_resource_${process.pid}`;
  try {
    const template = await ensureTemplate(server.adminUrl, serviceDatabase("resource-service"));
    await ensureDatabase(server.adminUrl, database, template);
    const token = await issuer.mint({ sub: "bench-user" });
    const env = {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      DATABASE_URL: withDatabase(server.adminUrl, database),
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: AUDIENCE,
      LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    };

    const port = 24_200 + (process.pid % 50);
    const api = await start(path.join(here, "..", "dist", "server.js"), { ...env, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    const created = await fetch(`${base}/api/v1/posts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Benchmark", body: "A small public post.", visibility: "public" }),
    });
    const { id } = (await created.json()) as { id: string };
    const [a, b] = await measurePair(
      api,
      { name: "(a) GET /api/v1/posts/:id, anonymous", url: `${base}/api/v1/posts/${id}` },
      { name: "(b) GET /api/v1/posts/:id, bearer token", url: `${base}/api/v1/posts/${id}`, token },
    );
    await stop(api);

    const bare = await start(path.join(here, "bare-server.mjs"), { ...env, PORT: String(port + 1) });
    const [c, d] = await measurePair(
      bare,
      { name: "(c) bare Express route", url: `http://127.0.0.1:${port + 1}/bare` },
      { name: "(d) bare route behind requireAuth", url: `http://127.0.0.1:${port + 1}/bare-auth`, token },
    );
    await stop(bare);

    const report = {
      machine: `${os.cpus().length} cores, Node ${process.version}; autocannon (${connections} connections, medians of ${rounds} alternating ${duration} s runs after a 2 s warm-up) on the same cores`,
      tokenCache: process.env.AUTH_TOKEN_CACHE_SIZE === "0" ? "off" : "on (default)",
      results: [a, b, c, d],
      ratios: { "b/a": +(b.requestsPerSecond / a.requestsPerSecond).toFixed(2), "d/c": +(d.requestsPerSecond / c.requestsPerSecond).toFixed(2) },
    };
    const out = path.join(repoRoot, "artifacts", `bench-resource-service${process.env.AUTH_TOKEN_CACHE_SIZE === "0" ? "-nocache" : ""}.json`);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await issuer.stop();
    await dropDatabase(server.adminUrl, database).catch(() => undefined);
    await server.stop();
  }
}

await main();
