// `npm run bench:compare`: our compiled services next to hand-written peers on the same
// PostgreSQL (bench/peers/), measured in interleaved rounds; one table of ratios against the
// goals on stdout, and the full report under artifacts/bench-compare/. A benchmark, never a
// test: 127.0.0.1 only, bounded in time, everything it creates removed at the end.
//
// Options (environment): BENCH_DURATION_SECONDS (6), BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (5),
// BENCH_CONNECTIONS (32), BENCH_LOAD (wrk when /usr/bin/wrk exists, else autocannon),
// BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_POSTS (300), BENCH_STDOUT (pipe, or null for /dev/null),
// BENCH_ROWS (every row, or some: "1,3"), BENCH_PROFILE (1: CPU profiles of our services and the peers).
import os from "node:os";
import path from "node:path";
import { repoRoot } from "@authbridge/devstack";
import { resolveTestServer } from "@authbridge/devstack/testing/server";
import { autocannonGenerator } from "./load/autocannon.js";
import type { LoadGenerator } from "./load/types.js";
import { wrk } from "./load/wrk.js";
import { describeMachine } from "./machine.js";
import { measure } from "./measure.js";
import { OptionsError, readOptions, WRK_PATH, type BenchOptions } from "./options.js";
import type { ServiceProcess } from "./processes.js";
import { rssKb } from "./proc-stats.js";
import { writeReport } from "./report/artifacts.js";
import { toMarkdown, type Report, type ServiceSummary } from "./report/markdown.js";
import { summarize } from "./report/summary.js";
import { deleteKeys } from "./redis-keys.js";
import { fetchToken, signUpAndIn } from "./setup/accounts.js";
import { createDatabases } from "./setup/databases.js";
import { seedPosts } from "./setup/seed.js";
import { redisAnswers, startStack, type Stack } from "./stack.js";
import { plan, runChecks, selectRows } from "./targets.js";

const log = (line: string) => process.stderr.write(`[bench:compare] ${line}\n`);

/** Cleanup steps, run once, newest first, whether the run ends well, fails, times out or is interrupted. */
const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  })();
  return cleaning;
}

/** Stops a run that takes far longer than estimated. */
let watchdog: NodeJS.Timeout | undefined;

function estimateSeconds(o: BenchOptions, targets: number): number {
  return 20 + targets * o.warmupSeconds + o.rounds * targets * (o.durationSeconds + 0.4) + 5;
}

const roles = (stack: Stack): Array<[ServiceProcess | undefined, string]> => [
  [stack.auth, "ours, default configuration"],
  [stack.authRedis, "ours, REDIS_URL"],
  [stack.resource, "ours"],
  [stack.resourcePeer, "peer of the resource-service"],
  [stack.betterAuthPeer, "peer of the auth-service"],
  [stack.bareExpress, "peer of /healthz"],
];

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0] ?? Number.NaN;
  const options = readOptions();
  const generator: LoadGenerator = options.loadGenerator === "wrk" ? wrk(WRK_PATH) : autocannonGenerator;
  const redis = (await redisAnswers(options.redisUrl)) ? { url: options.redisUrl, keyPrefix: `authbridge-bench-${process.pid}:` } : undefined;
  const estimate = estimateSeconds(options, redis ? 11 : 10);
  log(`about ${Math.ceil(estimate / 60)} min (${Math.round(estimate)} s): ${options.rounds} rounds × ${redis ? 11 : 10} configurations × ${options.durationSeconds} s, ${options.loadGenerator}, ${options.connections} connections`);
  if (!redis) log(`nothing answers at ${options.redisUrl}: the sessions-in-Redis row is skipped`);
  if (options.rounds < 3) log(`only ${options.rounds} round(s): fine to try the harness, too few to compare (the issue asks for at least 3)`);
  watchdog = setTimeout(() => {
    log(`still running after ${Math.round(estimate * 1.5 + 60)} s: stopping`);
    void cleanUp().then(() => process.exit(1));
  }, (estimate * 1.5 + 60) * 1000);

  const server = await resolveTestServer(log);
  cleanups.push(() => server.stop());
  const dbs = await createDatabases(server.adminUrl, String(process.pid));
  cleanups.push(() => dbs.drop());
  if (redis) cleanups.push(() => deleteKeys(redis.url, redis.keyPrefix));
  const processes: ServiceProcess[] = [];
  cleanups.push(() => Promise.all(processes.map((p) => p.stop())));
  const profiles = path.join(repoRoot, "artifacts", "bench-compare", "profiles");
  const nodeFlags = options.profile ? ["--cpu-prof", `--cpu-prof-dir=${profiles}`] : [];
  const stack = await startStack(dbs, redis, options.stdout, nodeFlags, (p) => processes.push(p), log);

  const stamp = Date.now();
  const reader = await signUpAndIn(stack.auth.url, `reader.${stamp}@example.com`, "Reader");
  const other = await signUpAndIn(stack.auth.url, `other.${stamp}@example.com`, "Other");
  const [readerToken, otherToken] = await Promise.all([fetchToken(stack.auth.url, reader), fetchToken(stack.auth.url, other)]);
  const redisAccount = stack.authRedis && (await signUpAndIn(stack.authRedis.url, `redis.${stamp}@example.com`, "Redis Reader"));
  const peerAccount = await signUpAndIn(stack.betterAuthPeer.url, `peer.${stamp}@example.com`, "Peer Reader");
  const posts = await seedPosts(stack.resource.url, dbs.urls.resource, readerToken, otherToken, options.postCount);
  log(`${posts.total} posts seeded; the reader's token expires in 15 minutes and is reused for every request`);

  const { groups, comparisons, checks } = selectRows(
    plan(stack, {
      token: readerToken.token,
      cookies: { auth: reader.cookie, authRedis: redisAccount?.cookie, betterAuth: peerAccount.cookie },
      posts,
    }),
    options.rows,
  );
  await runChecks(checks);
  log("both sides of every row answer the same; measuring");
  const idleRss = new Map(processes.map((p) => [p.name, rssKb(p.pid)]));
  const measured = await measure(generator, groups, { ...options, log });
  const rows = summarize(comparisons, measured);

  const services: ServiceSummary[] = roles(stack).flatMap(([service, role]) => {
    if (!service) return [];
    const peaks = groups.flat().filter((target) => target.process === service).flatMap((target) => [measured.warmupPeakRssKb.get(target.key) ?? 0, ...(measured.runs.get(target.key) ?? []).map((run) => run.peakRssKb)]);
    const idle = idleRss.get(service.name) ?? 0;
    return [{ name: service.name, role, idleRssMb: idle / 1024, peakRssMb: Math.max(idle, ...peaks) / 1024, stdoutLines: options.stdout === "pipe" ? service.output().lines : undefined }];
  });
  const report: Report = {
    startedAt: startedAt.toISOString(),
    wallSeconds: (Date.now() - startedAt.getTime()) / 1000,
    machine: await describeMachine(server.adminUrl),
    loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? Number.NaN },
    method: {
      loadGenerator: generator.description,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rounds: options.rounds,
      posts: posts.total,
      stdout:
        options.stdout === "pipe"
          ? "each process's stdout on a pipe the harness drains and discards, as a container runtime collects it"
          : "each process's stdout on /dev/null (BENCH_STDOUT=null)",
    },
    rows,
    services,
    notes: [
      "One process per service for all rounds; peak RSS sampled from /proc every 100 ms while that process was under load; server CPU is its utime+stime over the measured runs divided by the requests answered.",
      ...(redis ? [] : [`Row 4b skipped: nothing answered at ${options.redisUrl}.`]),
    ],
  };
  const written = await writeReport(report);
  process.stdout.write(`\n${toMarkdown(report)}\n`);
  log(`written to ${written.markdown} and ${written.json}`);
  if (options.profile) {
    await Promise.all(processes.map((p) => p.stop()));
    log(`CPU profiles of our services and the peers in ${profiles} (open them in Chrome's DevTools or speedscope)`);
  }
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping and cleaning up`);
    void cleanUp().then(() => process.exit(130));
  });
}

try {
  await main();
} catch (error: unknown) {
  // After an interrupt, the run's failing requests are its own doing: nothing to report.
  if (!interrupted) log(error instanceof OptionsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
