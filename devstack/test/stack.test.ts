// `npm start` end to end: a cold start on a fresh embedded PostgreSQL, a warm
// start that reuses it, recovery after the stack is killed, and a clean stop,
// also when Ctrl-C reaches `npm start`'s whole process group.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot, serviceDatabases } from "../src/databases.js";
import { isListening } from "../src/postgres-server.js";
import { runPrismaMigrate } from "../src/migrations.js";
import { isProcessAlive } from "../src/process.js";

interface RunningStack {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function freePortBelow32768(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!(await isListening("127.0.0.1", port, 200))) return port;
  }
}

/**
 * The stack run directly, or (viaNpm) the way a developer runs it: `npm start`
 * in a process group of its own, as a terminal's foreground job.
 */
function startStack(env: NodeJS.ProcessEnv, { viaNpm = false } = {}): RunningStack {
  const command = viaNpm
    ? { file: "npm", args: ["start"] }
    : { file: process.execPath, args: ["--conditions=source", "--import", "tsx", path.join(repoRoot, "devstack", "src", "cli", "start.ts")] };
  const child = spawn(command.file, command.args, {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: viaNpm,
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stack = { child, output: () => text, exited };
  started.push(stack);
  return stack;
}

/** Every stack a test started: one left running by a failed test would hold the lock for the next tests. */
const started: RunningStack[] = [];
afterEach(async () => {
  for (const stack of started.splice(0)) {
    if (stack.child.exitCode !== null || stack.child.signalCode !== null) continue;
    stack.child.kill("SIGTERM");
    await stack.exited;
  }
});

async function waitFor(stack: RunningStack, pattern: RegExp, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(stack.output())) {
    if (stack.child.exitCode !== null) throw new Error(`the stack exited early:\n${stack.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${stack.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pid of the embedded PostgreSQL server running from `dataDir`, from its postmaster.pid. */
async function postgresPid(dataDir: string): Promise<number> {
  const pid = Number.parseInt((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid)) throw new Error("no postmaster.pid");
  return pid;
}

/** The process group of a live process (Linux: field 5 of /proc/<pid>/stat). */
async function processGroup(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

async function gone(pid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** `prisma migrate status` for each service database, side by side. */
async function migrateStatus(dataDir: string, pgPort: number) {
  const password = await readFile(path.join(dataDir, "postgres", "authbridge-superuser.password"), "utf8");
  return Promise.all(
    serviceDatabases.map(async (db) => {
      const result = await runPrismaMigrate("status", `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/${db.database}`, db);
      return { database: db.database, done: result.done, output: result.output };
    }),
  );
}

async function jwksKids(authUrl: string): Promise<string[]> {
  const { keys } = (await (await fetch(`${authUrl}/api/auth/jwks`)).json()) as { keys: Array<{ kid: string }> };
  return keys.map((key) => key.kid);
}

describe("npm start on the embedded PostgreSQL", () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let authUrl: string;
  let resourceUrl: string;
  let demoUrl: string;
  let inboxUrl: string;
  let pgPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "authbridge-stack-"));
    // As root the server runs as "postgres", which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    const authPort = await freePortBelow32768();
    const resourcePort = await freePortBelow32768();
    const demoPort = await freePortBelow32768();
    pgPort = await freePortBelow32768();
    const smtpPort = await freePortBelow32768();
    const inboxPort = await freePortBelow32768();
    inboxUrl = `http://localhost:${inboxPort}`;
    authUrl = `http://localhost:${authPort}`;
    resourceUrl = `http://localhost:${resourcePort}`;
    demoUrl = `http://localhost:${demoPort}`;
    env = {
      ...process.env,
      STACK_DATA_DIR: dataDir,
      AUTH_SERVICE_PORT: String(authPort),
      RESOURCE_SERVICE_PORT: String(resourcePort),
      DEMO_PORT: String(demoPort),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      MAIL_CATCHER_SMTP_PORT: String(smtpPort),
      MAIL_CATCHER_PORT: String(inboxPort),
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    delete env.SMTP_URL;
    delete env.SMTP_HOST;
    delete env.BETTER_AUTH_SECRET;
  });
  afterAll(async () => {
    // A failed test may leave its server running: stop it (SIGINT: a fast shutdown) before deleting its files.
    const orphan = await postgresPid(dataDir).catch(() => undefined);
    if (orphan && isProcessAlive(orphan)) {
      process.kill(orphan, "SIGINT");
      await gone(orphan, 10_000);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts cold, prints its URLs, and stops PostgreSQL on SIGTERM", async () => {
    const stack = startStack(env);
    await waitFor(stack, /Press Ctrl-C to stop/);
    expect(stack.output()).toContain("Creating an embedded PostgreSQL cluster");
    // Every migration of each folder, from the first one on.
    expect(stack.output()).toMatch(/Applied \d+ migration\(s\) to authbridge_auth: 20261127000000_init/);
    expect(stack.output()).toMatch(/Applied \d+ migration\(s\) to authbridge_resource: 20261127010000_init/);
    // In one transaction each, without Prisma's CLI (which they fall back to if that fails).
    expect(stack.output()).not.toContain("prisma migrate deploy applies them instead");
    expect(stack.output()).toMatch(new RegExp(`auth-service +${authUrl}`));
    expect(stack.output()).toMatch(new RegExp(`resource-service +${resourceUrl}/api/v1/posts`));
    expect(stack.output()).toMatch(new RegExp(`demo page +${demoUrl}`));
    expect(stack.output()).toMatch(new RegExp(`mail inbox +${inboxUrl}`));
    expect(stack.output()).toMatch(/Stack ready in \d+ ms/);
    expect(stack.output()).not.toMatch(/postgres:[^*@]+@/);
    expect((await fetch(`${authUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${resourceUrl}/readyz`)).status).toBe(200);
    // The resource-service trusts the auth-service's tokens through discovery alone.
    const anonymous = await fetch(`${resourceUrl}/api/v1/users/me`);
    expect(anonymous.status).toBe(401);
    // The demo page knows both services, and the auth-service lets it send its cookie.
    expect(await (await fetch(`${demoUrl}/config.json`)).json()).toMatchObject({ authUrl, apiUrl: resourceUrl });
    const session = await fetch(`${authUrl}/api/auth/get-session`, { headers: { origin: demoUrl } });
    expect(session.headers.get("access-control-allow-origin")).toBe(demoUrl);
    expect(session.headers.get("access-control-allow-credentials")).toBe("true");
    expect(statSync(path.join(dataDir, "dev-secret")).mode & 0o777).toBe(0o600);
    // A sign-up's verification mail lands in the printed inbox, its link pointing at the auth-service.
    const email = `stack.${process.pid}@example.com`;
    const signUp = await fetch(`${authUrl}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: demoUrl },
      body: JSON.stringify({ email, name: "Newcomer", password: "correct horse battery staple", callbackURL: demoUrl }),
    });
    expect(signUp.status).toBe(200);
    await waitFor(stack, /Mail to stack\./);
    const mails = (await (await fetch(`${inboxUrl}/api/messages`)).json()) as Array<{ to: string[]; text: string }>;
    expect(mails).toEqual([expect.objectContaining({ to: [email], text: expect.stringContaining(`${authUrl}/api/auth/verify-email?token=`) })]);
    expect(await (await fetch(inboxUrl)).text()).toContain("Verify your email address");
    // The whole path through the built services: the link signs in, the session
    // gets a token, and the resource-service takes it for a write and a read.
    const link = /(http:\/\/\S+\/api\/auth\/verify-email\?token=[^\s"<>]+)/.exec(mails[0]?.text ?? "")?.[1] ?? "";
    const verified = await fetch(link, { redirect: "manual" });
    expect(verified.status).toBe(302);
    const cookie = (verified.headers.getSetCookie() ?? []).map((line) => line.split(";")[0]).join("; ");
    const tokenAnswer = await fetch(`${authUrl}/api/auth/token`, { headers: { cookie, origin: demoUrl } });
    expect(tokenAnswer.status).toBe(200);
    const { token } = (await tokenAnswer.json()) as { token: string };
    const created = await fetch(`${resourceUrl}/api/v1/posts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "From the stack", body: "Written through the built services." }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const read = await fetch(`${resourceUrl}/api/v1/posts/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(await read.json()).toEqual(expect.objectContaining({ id, title: "From the stack" }));
    // The new databases' migrations were recorded as Prisma records them: its CLI finds every one applied.
    for (const status of await migrateStatus(dataDir, pgPort)) {
      expect(status).toEqual({ database: status.database, done: true, output: expect.stringContaining("Database schema is up to date!") });
      // No "WARNING: Your schema specifies the following datasource properties ..." (see prisma/auth/schema.prisma).
      expect(status.output).not.toContain("WARNING");
    }

    stack.child.kill("SIGTERM");
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain("Stopped.");
    expect(await isListening("127.0.0.1", pgPort)).toBe(false);
    expect(existsSync(path.join(dataDir, "stack.pid"))).toBe(false);
  });

  it("starts warm on the same data without running the migration engine, with the same signing key", async () => {
    const first = startStack(env);
    await waitFor(first, /Press Ctrl-C to stop/);
    const kids = await jwksKids(authUrl);
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);

    const second = startStack(env);
    await waitFor(second, /Press Ctrl-C to stop/);
    expect(second.output()).not.toContain("Creating an embedded PostgreSQL cluster");
    expect(second.output()).not.toContain("Applied");
    expect(await jwksKids(authUrl)).toEqual(kids);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });

  // Under `npm start`, one Ctrl-C reaches the stack twice: from the terminal
  // (SIGINT to the whole process group) and forwarded by npm. The second copy
  // used to kill the stack in the middle of its stop in about half of the
  // tries, leaving PostgreSQL running and "Stopped." unprinted.
  it("stops everything on Ctrl-C to npm start's process group, every time", async () => {
    const runs = Number(process.env.STACK_SIGINT_RUNS ?? 5);
    for (let run = 1; run <= runs; run++) {
      const stack = startStack(env, { viaNpm: true });
      await waitFor(stack, /Press Ctrl-C to stop/);
      const group = stack.child.pid!;
      const postgres = await postgresPid(dataDir);
      // The server is out of the terminal's reach: only the stack stops it, after the services.
      expect(await processGroup(postgres)).not.toBe(group);

      process.kill(-group, "SIGINT");
      await stack.exited;
      const where = `run ${run} of ${runs}:\n${stack.output()}`;
      expect({ where, stopped: stack.output().includes("Stopped.") }).toEqual({ where, stopped: true });
      // Every service drained and exited by itself, none was killed.
      expect({ where, lines: stack.output().match(/.* while stopping\./g) }).toEqual({ where, lines: null });
      expect({ where, postgresGone: await gone(postgres) }).toEqual({ where, postgresGone: true });
      expect(existsSync(path.join(dataDir, "stack.pid"))).toBe(false);
    }
  }, 300_000);

  it("recovers after the stack was killed and left PostgreSQL running", async () => {
    const killed = startStack(env);
    await waitFor(killed, /Press Ctrl-C to stop/);
    killed.child.kill("SIGKILL");
    await killed.exited;
    expect(await isListening("127.0.0.1", pgPort)).toBe(true);

    const next = startStack(env);
    await waitFor(next, /Press Ctrl-C to stop/);
    expect(next.output()).toContain("left running by an earlier run; restarting it");
    expect((await fetch(`${authUrl}/readyz`)).status).toBe(200);
    next.child.kill("SIGTERM");
    expect(await next.exited).toBe(0);
    expect(await isListening("127.0.0.1", pgPort)).toBe(false);
  });

  it("refuses to start against DATABASE_URL without a secret, saying what to do", async () => {
    const stack = startStack({ ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres" });
    expect(await stack.exited).toBe(1);
    expect(stack.output()).toContain("BETTER_AUTH_SECRET is required when DATABASE_URL is set");
  });
});
