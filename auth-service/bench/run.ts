// `npm run bench` (auth-service): tokens per second from GET /api/auth/token
// with a valid session cookie, p50/p99 latency and the service's peak RSS, plus
// the stack's cold and warm start to "ready". 127.0.0.1 only, bounded in time.
//
// Options (environment): BENCH_DURATION_SECONDS (10), BENCH_CONNECTIONS (32),
// BENCH_SKIP_STARTUP=1 to skip the start-up measurements, BENCH_PROFILE=1 to
// write a CPU profile of the service to artifacts/profiles/, BENCH_REDIS_URL
// (redis://127.0.0.1:6379) for the sessions-in-Redis scenario, which is
// skipped when nothing answers there.
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot, serviceDatabase, withDatabase } from "@authbridge/devstack";
import { ensureDatabase, dropDatabase } from "@authbridge/devstack";
import { resolveTestServer } from "@authbridge/devstack/testing/server";
import { ensureTemplate } from "@authbridge/devstack/testing/templates";

const here = path.dirname(fileURLToPath(import.meta.url));
const duration = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`exited with ${code}:\n${text}`)));
  });
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function measureStartup(): Promise<{ cold: number; warm: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "authbridge-bench-"));
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_DATA_DIR: dataDir, AUTH_SERVICE_PORT: "24100", EMBEDDED_POSTGRES_PORT: "24101", LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  delete env.BETTER_AUTH_SECRET;
  const times: number[] = [];
  try {
    for (const phase of ["cold", "warm"]) {
      const started = performance.now();
      const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", path.join(repoRoot, "devstack/src/cli/start.ts")], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
      await waitForLine(child, /Press Ctrl-C to stop/, 120_000);
      times.push(Math.round(performance.now() - started));
      log(`${phase} start to ready: ${times.at(-1)} ms (process launch included)`);
      await stop(child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return { cold: times[0] ?? 0, warm: times[1] ?? 0 };
}

interface Scenario {
  name: string;
  env: Record<string, string>;
}

const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether something accepts connections at the Redis URL. */
function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379), timeout: 1_000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

const scenarios: Scenario[] = [
  { name: "default (session read from PostgreSQL on every request)", env: {} },
  { name: "SESSION_COOKIE_CACHE_SECONDS=60 (session trusted from its signed cookie)", env: { SESSION_COOKIE_CACHE_SECONDS: "60" } },
  { name: "REDIS_URL (session read from Redis, Better Auth's secondaryStorage)", env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `authbridge-bench-${process.pid}:` } },
];

async function measureTokens(adminUrl: string, template: string, scenario: Scenario) {
  const database = `authbridge_bench_${process.pid}`;
  await ensureDatabase(adminUrl, database, template);
  const port = 24_000 + (process.pid % 90);
  const base = `http://127.0.0.1:${port}`;
  const profile = process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.join(repoRoot, "artifacts", "profiles")}`] : [];
  // The compiled service (npm run build), as it runs in production: no TypeScript loader on the request path.
  const service = spawn(process.execPath, [...profile, path.join(here, "..", "dist", "server.js")], {
    cwd: path.join(here, ".."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: withDatabase(adminUrl, database),
      BETTER_AUTH_SECRET: "bench-secret-0123456789-abcdefghijklmnop",
      BETTER_AUTH_URL: base,
      JWT_AUDIENCE: "http://localhost:4001",
      LOG_LEVEL: "info",
      ...scenario.env,
    },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      service.once("message", () => resolve());
      service.once("exit", (code) => reject(new Error(`the auth-service exited with ${code}`)));
    });
    const pid = service.pid ?? 0;
    const headers = { origin: base, "content-type": "application/json" };
    const email = `bench.${Date.now()}@example.com`;
    const password = "bench passphrase that is long";
    await fetch(`${base}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ email, password, name: "Bench" }) });
    const signIn = await fetch(`${base}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify({ email, password }) });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    if (signIn.status !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.status}`);

    const idleRss = await rssKb(pid);
    let peakRss = idleRss;
    const sampler = setInterval(() => void rssKb(pid).then((kb) => (peakRss = Math.max(peakRss, kb))), 100);
    log(`${scenario.name}: GET /api/auth/token, ${connections} connections, ${duration} s after a 2 s warm-up`);
    await autocannon({ url: `${base}/api/auth/token`, connections, duration: 2, headers: { cookie, origin: base } });
    const result = await autocannon({ url: `${base}/api/auth/token`, connections, duration, headers: { cookie, origin: base } });
    clearInterval(sampler);
    return {
      scenario: scenario.name,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      tokensPerSecond: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      rssMb: { idle: Math.round(idleRss / 1024), peak: Math.round(peakRss / 1024) },
    };
  } finally {
    await stop(service);
    await dropDatabase(adminUrl, database);
  }
}

async function main(): Promise<void> {
  const server = await resolveTestServer(log);
  try {
    const template = await ensureTemplate(server.adminUrl, serviceDatabase("auth-service"));
    const results = [];
    for (const scenario of scenarios) {
      if (scenario.env.REDIS_URL && !(await reachable(scenario.env.REDIS_URL))) {
        log(`${scenario.name}: skipped, nothing answers at ${scenario.env.REDIS_URL}`);
        continue;
      }
      results.push(await measureTokens(server.adminUrl, template, scenario));
    }
    const report = {
      endpoint: "GET /api/auth/token with a valid session cookie (EdDSA)",
      connections,
      durationSeconds: duration,
      machine: `${os.cpus().length} cores, Node ${process.version}; autocannon runs on the same cores`,
      results,
      ...(process.env.BENCH_SKIP_STARTUP ? {} : { startupMs: await measureStartup() }),
    };
    const out = path.join(repoRoot, "artifacts", "bench-auth-service.json");
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    log(`written to ${path.relative(repoRoot, out)}`);
  } finally {
    await server.stop();
  }
}

await main();
