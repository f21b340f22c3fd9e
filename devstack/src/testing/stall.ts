// Dependencies that stall rather than stop: a PostgreSQL cluster and a
// redis-server of the test's own, on ephemeral ports, whose processes the test
// freezes with SIGSTOP (a network partition, a lock, a paused VM: connections
// stay open and nothing answers) and thaws with SIGCONT. Never point these at
// a server other tests use.
import { spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { serviceDatabase, withDatabase } from "../databases.js";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../embedded-postgres.js";
import { committedMigrations } from "../migrations.js";
import { freePort } from "./ports.js";

/** A set of processes that can be frozen and thawed together. */
export interface Freezable {
  /** The pids that freeze() stops (the process and, for PostgreSQL, every child of the postmaster). */
  pids(): Promise<number[]>;
  /** SIGSTOP to every process; resolves with how many were stopped. */
  freeze(): Promise<number>;
  /** SIGCONT to every process frozen (safe to call when nothing is). */
  thaw(): void;
}

/** The processes whose parent is `pid` (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // pid (comm) state ppid ...: comm may hold spaces or parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

/** Freezes `root()` and, with `withChildren`, its children. */
export function freezable(root: () => Promise<number>, withChildren: boolean): Freezable {
  let frozen: number[] = [];
  const pids = async () => {
    const pid = await root();
    return withChildren ? [pid, ...(await childrenOf(pid))] : [pid];
  };
  return {
    pids,
    async freeze() {
      const found = await pids();
      // The parent first: a postmaster stopped first forks nothing new meanwhile.
      for (const pid of found) {
        process.kill(pid, "SIGSTOP");
        frozen.push(pid);
      }
      return found.length;
    },
    thaw() {
      for (const pid of frozen) {
        try {
          process.kill(pid, "SIGCONT");
        } catch {
          // Gone already.
        }
      }
      frozen = [];
    },
  };
}

/** Freezes one process, such as a service forked by a test. */
export function freezableProcess(pid: number): Freezable {
  return freezable(async () => pid, false);
}

export interface PrivatePostgres extends Freezable {
  adminUrl: string;
  /** Creates a database with `service`'s committed migrations applied; resolves with its URL. */
  createDatabase(service: "auth-service" | "resource-service"): Promise<string>;
  /** Client connections to `url`'s database (pg_stat_activity), not counting the one asking. */
  connections(url: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a PostgreSQL cluster of the test's own (embedded-postgres's
 * binaries, a fresh data folder, an ephemeral port): about a second.
 *
 * @example
 * const postgres = await startPrivatePostgres();
 * const url = await postgres.createDatabase("resource-service");
 * await postgres.freeze();
 * try { ... } finally { postgres.thaw(); }
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "authbridge-stall-pg-"));
  // As root the server runs as "postgres", which must be able to enter the folder.
  await chmod(dataDir, 0o755);
  let server: EmbeddedPostgres;
  try {
    server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "cluster"), port: await freePort() });
  } catch (error: unknown) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const { adminUrl } = server;
  const postmaster = async () => Number((await readFile(path.join(dataDir, "cluster", "postmaster.pid"), "utf8")).split("\n")[0]);
  const processes = freezable(postmaster, true);
  const admin = async <T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  let created = 0;
  return {
    ...processes,
    adminUrl,
    async createDatabase(service) {
      created += 1;
      const name = `stall_${service.replace(/\W/g, "_")}_${created}`;
      await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
      const url = withDatabase(adminUrl, name);
      // The committed migrations' SQL, as `prisma migrate deploy` would apply it (without its bookkeeping table, which no service reads).
      const { migrationsDir } = serviceDatabase(service);
      await admin(url, async (client) => {
        for (const migration of await committedMigrations(migrationsDir)) await client.query(await readFile(path.join(migrationsDir, migration, "migration.sql"), "utf8"));
      });
      return url;
    },
    async connections(url) {
      const database = decodeURIComponent(new URL(url).pathname.slice(1));
      return admin(adminUrl, async (client) => {
        const result = await client.query<{ count: string }>(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
          [database],
        );
        return Number(result.rows[0]?.count ?? 0);
      });
    },
    async stop() {
      processes.thaw();
      try {
        await server.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export interface PrivateRedis extends Freezable {
  url: string;
  stop(): Promise<void>;
}

/** The redis-server binary (REDIS_SERVER, or /usr/bin/redis-server). */
const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** Starts a redis-server of the test's own on an ephemeral port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`${REDIS_SERVER} could not be started (set REDIS_SERVER to its path): ${error.message}`)));
    const started = Date.now();
    const probe = () => {
      const socket = new Socket();
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (child.exitCode !== null) reject(new Error(`redis-server exited: ${output}`));
        else if (Date.now() - started > 10_000) reject(new Error(`redis-server did not listen within 10 s: ${output}`));
        else setTimeout(probe, 20);
      });
      socket.connect(port, "127.0.0.1");
    };
    probe();
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("redis-server has no pid");
  const processes = freezableProcess(pid);
  return {
    ...processes,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      processes.thaw();
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** One request sent during a stall: its status and problem code (status 0: no answer before the test gave up), how long it took. */
export interface TimedAnswer {
  what: string;
  status: number;
  code: unknown;
  retryAfter: string | null;
  ms: number;
}

/** Sends the request and times its answer; a request the test gives up on (after `giveUpMs`) counts as status 0. */
export async function timedRequest(what: string, send: (signal: AbortSignal) => Promise<Response>, giveUpMs = 10_000): Promise<TimedAnswer> {
  const started = performance.now();
  try {
    const response = await send(AbortSignal.timeout(giveUpMs));
    const text = await response.text();
    const body = (text.startsWith("{") ? JSON.parse(text) : {}) as { code?: unknown };
    return { what, status: response.status, code: body.code, retryAfter: response.headers.get("retry-after"), ms: Math.round(performance.now() - started) };
  } catch {
    return { what, status: 0, code: "no answer", retryAfter: null, ms: Math.round(performance.now() - started) };
  }
}

/** Prints the answers of a stall, one line each, for the test's log (RELIABILITY.md quotes them). */
export function reportAnswers(title: string, answers: readonly TimedAnswer[]): void {
  process.stderr.write(`${title}:\n${answers.map((a) => `  ${a.what}: ${a.status} ${String(a.code ?? "")} in ${a.ms} ms`).join("\n")}\n`);
}
