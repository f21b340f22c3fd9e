// `npm start`: the whole stack on one machine.
//
// 1. PostgreSQL: the server DATABASE_URL names, or else an embedded one whose
//    data lives in .data/postgres (reused on the next start).
// 2. Each service's database is created if missing and migrated only when a
//    migration is pending (prisma migrate deploy costs ~1.5 s; the check ~10 ms).
//    A database created here gets its migrations in one transaction, recorded
//    as Prisma records them, without loading Prisma's CLI (see migrations.ts).
// 3. The services and the demo page's server start: built by esbuild (a
//    build is reused until its sources change, see service-bundle.ts) and
//    loading their code while 1 and 2 run; the stack prints their URLs once
//    all are ready.
// 4. Ctrl-C or SIGTERM: services drain and stop first, PostgreSQL last.
import type { ChildProcess } from "node:child_process";
import { JWKS_PATH } from "@authbridge/auth-service/paths";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { repoRoot, serviceDatabase, serviceDatabases, withDatabase } from "../databases.js";
import { ensureDatabase, migrateIfPending, migrateNewDatabase } from "../migrations.js";
import { portFromEnv, resolvePostgres, type PostgresServer } from "../postgres-server.js";
import { startMailCatcher, type MailCatcher } from "../mail-catcher.js";
import { isProcessAlive } from "../process.js";
import { bundleService } from "../service-bundle.js";
import { forkService, stopService, type ServiceName } from "../service-process.js";

const STOP_TIMEOUT_MS = 15_000;
/** A signal this soon after the first is the same Ctrl-C, delivered twice (see main). */
const SAME_SIGNAL_MS = 1_000;

const log = (line: string) => process.stdout.write(`[stack] ${line}\n`);

interface ServiceProcess {
  name: string;
  child: ChildProcess;
}

function loadDotEnv(): void {
  const file = path.join(repoRoot, ".env");
  if (existsSync(file)) {
    process.loadEnvFile(file);
    log("Loaded configuration from .env.");
  }
}

interface StackPaths {
  dataRoot: string;
  lockFile: string;
  secretFile: string;
}

function stackPaths(): StackPaths {
  const dataRoot = path.resolve(repoRoot, process.env.STACK_DATA_DIR ?? ".data");
  return { dataRoot, lockFile: path.join(dataRoot, "stack.pid"), secretFile: path.join(dataRoot, "dev-secret") };
}

/** One stack per data folder: a second `npm start` would fight over ports and data. */
async function takeLock({ dataRoot, lockFile }: StackPaths): Promise<void> {
  await mkdir(dataRoot, { recursive: true });
  const previous = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
  if (Number.isInteger(previous) && previous !== process.pid && isProcessAlive(previous)) {
    throw new Error(`Another stack is already running from this checkout (pid ${previous}); stop it with Ctrl-C or \`kill ${previous}\` first.`);
  }
  await writeFile(lockFile, String(process.pid));
}

/**
 * The embedded stack may invent a development secret (kept in .data/, so the
 * signing keys it encrypts stay readable across restarts). Against a real
 * server the secret must be given.
 */
async function betterAuthSecret(server: PostgresServer, secretFile: string): Promise<string> {
  const given = process.env.BETTER_AUTH_SECRET;
  if (given || server.kind !== "embedded") return given ?? "";
  const stored = await readFile(secretFile, "utf8").catch(() => "");
  if (stored.trim().length >= 32) return stored.trim();
  const secret = randomBytes(32).toString("base64url");
  await writeFile(secretFile, secret, { mode: 0o600 });
  log(`Generated a development BETTER_AUTH_SECRET in ${path.relative(repoRoot, secretFile)} (embedded database only).`);
  return secret;
}

async function assertReachable(server: PostgresServer): Promise<void> {
  const client = new pg.Client({ connectionString: server.adminUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error: unknown) {
    const where = new URL(server.adminUrl);
    throw new Error(
      `Could not connect to PostgreSQL at ${where.hostname}:${where.port || 5432} (from DATABASE_URL): ${error instanceof Error ? error.message : String(error)}. ` +
        "Check that the server runs and the URL is right, or unset DATABASE_URL to use the embedded database.",
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a service of the stack, its logs on the stack's own output. `track`
 * learns of it at once, so that a stop during start-up stops it too.
 */
async function startService(
  name: ServiceName,
  entry: string,
  env: NodeJS.ProcessEnv,
  startEnv: Promise<NodeJS.ProcessEnv> | undefined,
  track: (service: ServiceProcess) => void,
): Promise<ServiceProcess> {
  const child = await forkService(name, {
    entry,
    env,
    ...(startEnv ? { startEnv } : {}),
    output: { stdout: "inherit", stderr: "inherit" },
    onSpawn: (spawned) => track({ name, child: spawned }),
  });
  return { name, child };
}

const SERVICES = ["auth-service", "resource-service", "demo"] as const satisfies readonly ServiceName[];

/** Builds every service (see service-bundle.ts); a build error names the service and the source line. */
async function bundleServices(): Promise<Record<(typeof SERVICES)[number], string>> {
  const entries = await Promise.all(
    SERVICES.map((name) =>
      bundleService(name).catch((error: unknown) => {
        throw new Error(`Building ${name} from its sources failed: ${error instanceof Error ? error.message : String(error)}`);
      }),
    ),
  );
  return Object.fromEntries(SERVICES.map((name, index) => [name, entries[index]])) as Record<(typeof SERVICES)[number], string>;
}

/** The resource-service needs no secret: it must not even see one. */
function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { BETTER_AUTH_SECRET: _secret, ...rest } = env;
  return rest;
}

/** A comma-separated origin list with `origin` added (once). */
function withOrigin(origins: string, origin: string): string {
  const list = origins.split(",").map((item) => item.trim()).filter(Boolean);
  return (list.includes(origin) ? list : [...list, origin]).join(",");
}

/**
 * Mail: a real SMTP server from the environment (SMTP_URL or SMTP_HOST, with
 * MAIL_FROM), or else the local mail catcher: an SMTP server in this process
 * with a web inbox, so the verification and reset links can be clicked.
 */
async function localMail(): Promise<{ catcher: MailCatcher | undefined; env: NodeJS.ProcessEnv }> {
  if (process.env.SMTP_URL || process.env.SMTP_HOST) return { catcher: undefined, env: {} };
  let inboxUrl = "";
  const catcher = await startMailCatcher({
    smtpPort: portFromEnv("MAIL_CATCHER_SMTP_PORT", 1025),
    httpPort: portFromEnv("MAIL_CATCHER_PORT", 4003),
    onMail: (mail) => log(`Mail to ${mail.to.join(", ")}: "${mail.subject}" (${inboxUrl}/messages/${mail.id}).`),
  }).catch((error: unknown) => {
    throw new Error(
      `Could not start the local mail catcher (SMTP ${process.env.MAIL_CATCHER_SMTP_PORT ?? 1025}, inbox ${process.env.MAIL_CATCHER_PORT ?? 4003}): ${error instanceof Error ? error.message : String(error)}. ` +
        "Free those ports, choose others with MAIL_CATCHER_SMTP_PORT and MAIL_CATCHER_PORT, or set SMTP_URL to use a real SMTP server.",
    );
  });
  inboxUrl = catcher.inboxUrl;
  return { catcher, env: { SMTP_URL: catcher.smtpUrl, MAIL_FROM: process.env.MAIL_FROM ?? "authbridge <no-reply@authbridge.localhost>" } };
}

function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}


async function main(): Promise<void> {
  const startedAt = performance.now();
  loadDotEnv();
  const paths = stackPaths();
  await takeLock(paths);

  const services: ServiceProcess[] = [];
  let mail: MailCatcher | undefined;
  let server: Promise<PostgresServer> | undefined;
  let preparing: Promise<unknown> | undefined;
  let stopping: Promise<void> | undefined;
  const isRunning = ({ child }: ServiceProcess) => child.exitCode === null && child.signalCode === null;
  const stop = (code: number) => {
    stopping ??= (async () => {
      log("Stopping the services, then PostgreSQL...");
      const exits = await Promise.all(
        services.filter(isRunning).map(async ({ name, child }) => ({ name, ...(await stopService(child, STOP_TIMEOUT_MS)) })),
      );
      for (const exit of exits) {
        if (exit.code !== 0) log(`${exit.name} ${exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`} while stopping.`);
      }
      // A migration under way finishes first (Ctrl-C does not reach it: see
      // runHelper): cut off, it would leave a failed migration behind that
      // blocks the next start.
      await preparing?.catch(() => undefined);
      await mail?.stop();
      try {
        // PostgreSQL may still be starting: wait for it, then stop it.
        await (await server?.catch(() => undefined))?.stop();
      } catch (error: unknown) {
        process.stderr.write(`[stack] ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      }
      await rm(paths.lockFile, { force: true });
      log("Stopped.");
      process.exit(code);
    })();
    return stopping;
  };
  // Handlers stay (`on`, not `once`): under `npm start` one Ctrl-C arrives
  // twice, from the terminal (to the whole process group) and forwarded by
  // npm. With `once`, the second copy found no handler and killed the stack
  // in the middle of its stop, leaving PostgreSQL running. Signals within
  // SAME_SIGNAL_MS of the first are that same Ctrl-C; a later one hurries the
  // stop (the services are killed rather than drained), and PostgreSQL is
  // still stopped, last.
  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = performance.now();
      void stop(0);
      return;
    }
    if (performance.now() - firstSignalAt < SAME_SIGNAL_MS) return;
    const draining = services.filter(isRunning);
    if (draining.length === 0) return;
    log(`${signal} again: ending ${draining.map(({ name }) => name).join(", ")} without waiting for requests in flight.`);
    for (const { child } of draining) child.kill("SIGKILL");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    const authPort = portFromEnv("AUTH_SERVICE_PORT", 4000);
    const resourcePort = portFromEnv("RESOURCE_SERVICE_PORT", 4001);
    const demoPort = portFromEnv("DEMO_PORT", 4002);
    if (process.env.DATABASE_URL && !process.env.BETTER_AUTH_SECRET) {
      throw new Error(
        "BETTER_AUTH_SECRET is required when DATABASE_URL is set: generate one with `openssl rand -base64 32` and put it in the environment or .env.",
      );
    }
    const authUrl = process.env.AUTH_PUBLIC_URL ?? `http://localhost:${authPort}`;
    const resourceUrl = process.env.RESOURCE_PUBLIC_URL ?? `http://localhost:${resourcePort}`;
    const audience = process.env.JWT_AUDIENCE ?? resourceUrl;
    // The demo page calls the auth-service with its session cookie: on the
    // same host name as the auth-service, the two are same-site and the cookie goes along.
    const demoUrl = process.env.DEMO_PUBLIC_URL ?? `http://${new URL(authUrl).hostname}:${demoPort}`;
    const corsOrigins = withOrigin(process.env.CORS_ORIGINS ?? "http://localhost:3000", new URL(demoUrl).origin);
    const host = process.env.STACK_HOST ?? "127.0.0.1";

    // Three things run side by side: esbuild builds the services; PostgreSQL
    // starts and the databases are migrated; and, once built, the services
    // load their code (most of their start-up), then wait for the migrations
    // before they read their configuration and touch their databases.
    const bundles = bundleServices();
    const mailSetup = await localMail();
    mail = mailSetup.catcher;
    const starting = resolvePostgres({
      url: process.env.DATABASE_URL,
      embeddedDir: process.env.EMBEDDED_POSTGRES_DIR ?? path.join(paths.dataRoot, "postgres"),
      embeddedPort: portFromEnv("EMBEDDED_POSTGRES_PORT", 15432),
      log,
    });
    server = starting;
    let pgReady = 0;
    let migrated = 0;
    const prepared = (async () => {
      const postgres = await starting;
      pgReady = performance.now();
      log(postgres.kind === "embedded" ? `Embedded PostgreSQL is up (${Math.round(pgReady - startedAt)} ms).` : "Using the PostgreSQL server from DATABASE_URL.");
      if (stopping) throw new Error("Stopped before the migrations.");
      await assertReachable(postgres);
      // Each database is independent: migrate them side by side.
      await Promise.all(
        serviceDatabases.map(async (db) => {
          const url = withDatabase(postgres.adminUrl, db.database);
          const created = await ensureDatabase(postgres.adminUrl, db.database);
          if (created) log(`Created the database ${db.database}.`);
          const applied = created
            ? await migrateNewDatabase(url, db, (reason) =>
                log(`Applying the migrations to the new database ${db.database} in one transaction failed (${reason}); prisma migrate deploy applies them instead.`),
              )
            : await migrateIfPending(url, db);
          if (applied.length > 0) log(`Applied ${applied.length} migration(s) to ${db.database}: ${applied.join(", ")}.`);
        }),
      );
      migrated = performance.now();
      return { postgres, secret: await betterAuthSecret(postgres, paths.secretFile) };
    })();
    preparing = prepared;
    // Awaited below (or by stop); meanwhile a failure must not count as unhandled.
    bundles.catch(() => undefined);
    prepared.catch(() => undefined);

    const entries = await bundles;
    if (stopping) return;
    const track = (service: ServiceProcess) => services.push(service);
    // They start side by side: the resource-service fetches the auth-service's keys only when a token arrives.
    const launching = Promise.all([
      startService("auth-service", entries["auth-service"], {
        ...process.env,
        PORT: String(authPort),
        HOST: host,
        BETTER_AUTH_URL: authUrl,
        JWT_AUDIENCE: audience,
        CORS_ORIGINS: corsOrigins,
        ...mailSetup.env,
      }, prepared.then(({ postgres, secret }) => ({
        DATABASE_URL: withDatabase(postgres.adminUrl, serviceDatabase("auth-service").database),
        BETTER_AUTH_SECRET: secret,
      })), track),
      // The resource-service knows the auth-service by its issuer URL alone (discovery);
      // it gets no secret and no access to the auth-service's database.
      startService("resource-service", entries["resource-service"], {
        ...withoutSecrets(process.env),
        PORT: String(resourcePort),
        HOST: host,
        AUTH_ISSUER: authUrl,
        AUTH_AUDIENCE: audience,
        CORS_ORIGINS: corsOrigins,
      }, prepared.then(({ postgres }) => ({
        DATABASE_URL: withDatabase(postgres.adminUrl, serviceDatabase("resource-service").database),
      })), track),
      // The demo page's static server: it only needs to know where the two services are.
      startService("demo", entries.demo, {
        ...withoutSecrets(process.env),
        PORT: String(demoPort),
        HOST: host,
        AUTH_URL: authUrl,
        API_URL: resourceUrl,
        ...(mail ? { INBOX_URL: mail.inboxUrl } : {}),
      }, undefined, track),
    ]);
    launching.catch(() => undefined);
    // A stop during start-up ends all this early: nothing more to report.
    const unlessStopping = (error: unknown): undefined => {
      if (stopping) return undefined;
      throw error;
    };
    // A failed migration is the error to show, not the services it stopped.
    const postgres = (await prepared.catch(unlessStopping))?.postgres;
    const started = await launching.catch(unlessStopping);
    if (!postgres || !started) return;
    for (const service of started) {
      service.child.once("exit", (code) => {
        if (!stopping) {
          log(`${service.name} exited unexpectedly (code ${code}).`);
          void stop(1);
        }
      });
    }

    const ready = performance.now();
    log(
      [
        `Stack ready in ${Math.round(ready - startedAt)} ms (PostgreSQL ${Math.round(pgReady - startedAt)} ms, migrations ${Math.round(migrated - pgReady)} ms, services ${Math.round(ready - migrated)} ms after that; they load their code meanwhile).`,
        `  demo page          ${demoUrl}`,
        `  auth-service       ${authUrl}`,
        `  resource-service   ${resourceUrl}/api/v1/posts`,
        `  JWKS               ${authUrl}${JWKS_PATH}`,
        `  discovery          ${authUrl}/.well-known/openid-configuration`,
        `  mail inbox         ${mail ? `${mail.inboxUrl}   (verification and reset mails; SMTP on ${mail.smtpUrl})` : "(SMTP from the environment)"}`,
        `  PostgreSQL         ${postgres.kind === "embedded" ? redactPassword(postgres.adminUrl) : "(DATABASE_URL)"}`,
        "Press Ctrl-C to stop.",
      ].join("\n"),
    );
  } catch (error: unknown) {
    process.stderr.write(`[stack] ${error instanceof Error ? error.message : String(error)}\n`);
    await stop(1);
  }
}

void main();
