// The run's options, from the environment. Every one has a default that gives a run of a few
// minutes; a value out of range stops the run with a sentence naming the variable.
import { existsSync } from "node:fs";

export interface BenchOptions {
  /** Seconds of each measured run (BENCH_DURATION_SECONDS). */
  durationSeconds: number;
  /** Seconds of load on each target before its first measured run (BENCH_WARMUP_SECONDS). */
  warmupSeconds: number;
  /** How many times each configuration is measured, interleaved (BENCH_ROUNDS). */
  rounds: number;
  /** Open connections of the load generator (BENCH_CONNECTIONS). */
  connections: number;
  /** wrk when installed (BENCH_LOAD=wrk|autocannon forces one). */
  loadGenerator: "wrk" | "autocannon";
  /** The Redis of the sessions-in-Redis row (BENCH_REDIS_URL); the row is skipped when nothing answers. */
  redisUrl: string;
  /** Posts in the table the list reads (BENCH_POSTS). */
  postCount: number;
  /** Where the processes' stdout goes (BENCH_STDOUT): a pipe the harness drains, or /dev/null. */
  stdout: "pipe" | "null";
  /** Only these rows (BENCH_ROWS, e.g. "1,3,4b"); every row when undefined. */
  rows: Set<string> | undefined;
  /** Write a CPU profile of each of our services and peers (BENCH_PROFILE=1), under artifacts/bench-compare/profiles/. */
  profile: boolean;
}

/** The rows of the table, as BENCH_ROWS names them. */
export const ROWS = ["1", "2", "3", "4", "4b", "5"] as const;

export const WRK_PATH = "/usr/bin/wrk";

/** An option the run cannot start with; its message says what to change. */
export class OptionsError extends Error {
  override name = "OptionsError";
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new OptionsError(`${name} must be a whole number from ${min} to ${max}, but it is "${raw}".`);
  return value;
}

export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const load = env.BENCH_LOAD ?? (existsSync(WRK_PATH) ? "wrk" : "autocannon");
  if (load !== "wrk" && load !== "autocannon") throw new OptionsError(`BENCH_LOAD must be "wrk" or "autocannon", but it is "${load}".`);
  if (load === "wrk" && !existsSync(WRK_PATH)) throw new OptionsError(`BENCH_LOAD=wrk, but ${WRK_PATH} does not exist: install it (apt-get install wrk) or use BENCH_LOAD=autocannon.`);
  const stdout = env.BENCH_STDOUT || "pipe";
  if (stdout !== "pipe" && stdout !== "null") throw new OptionsError(`BENCH_STDOUT must be "pipe" or "null", but it is "${stdout}".`);
  const rows = env.BENCH_ROWS ? new Set(env.BENCH_ROWS.split(",").map((row) => row.trim())) : undefined;
  const unknownRows = [...(rows ?? [])].filter((row) => !(ROWS as readonly string[]).includes(row));
  if (rows && (unknownRows.length > 0 || rows.size === 0)) throw new OptionsError(`BENCH_ROWS must list rows of the table (${ROWS.join(", ")}), separated by commas, but it is "${env.BENCH_ROWS}".`);
  const profile = env.BENCH_PROFILE || "0";
  if (profile !== "0" && profile !== "1") throw new OptionsError(`BENCH_PROFILE must be 1 (write CPU profiles of our services and the peers) or 0, but it is "${profile}".`);
  return {
    stdout,
    rows,
    profile: profile === "1",
    durationSeconds: whole(env, "BENCH_DURATION_SECONDS", 6, 1, 60),
    warmupSeconds: whole(env, "BENCH_WARMUP_SECONDS", 2, 0, 30),
    rounds: whole(env, "BENCH_ROUNDS", 5, 1, 10),
    connections: whole(env, "BENCH_CONNECTIONS", 32, 1, 1024),
    loadGenerator: load,
    redisUrl: env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
    postCount: whole(env, "BENCH_POSTS", 300, 20, 100_000),
  };
}
