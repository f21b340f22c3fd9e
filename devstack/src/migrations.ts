// Applies committed Prisma migrations with Prisma's own `migrate deploy`, only
// when something is pending: which migrations a database has is read straight
// from Prisma's `_prisma_migrations` table in a few milliseconds. A database
// the stack has just created is the exception: it gets every migration in one
// transaction, recorded row for row as `migrate deploy` records them (see
// migrateNewDatabase), without the 1.5 s the Prisma CLI takes to load.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import type { ServiceDatabase } from "./databases.js";
import { runHelper } from "./process.js";

/** The migration folders committed for a database, oldest first. */
export async function committedMigrations(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** A short hash of every committed migration's SQL: names a template database that matches them. */
export async function migrationsFingerprint(migrationsDir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const name of await committedMigrations(migrationsDir)) {
    hash.update(name);
    hash.update(await readFile(path.join(migrationsDir, name, "migration.sql")));
  }
  return hash.digest("hex").slice(0, 12);
}

/** The committed migrations the database at `databaseUrl` has not finished applying. */
export async function pendingMigrations(databaseUrl: string, migrationsDir: string): Promise<string[]> {
  const committed = await committedMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
    if (!table.rows[0]?.exists) return committed;
    const applied = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const done = new Set(applied.rows.map((row) => row.migration_name));
    return committed.filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

/**
 * The lines `prisma migrate deploy` and `migrate status` (6.19) print once
 * their command has returned: the migrations are applied and recorded (or
 * found so), and the schema engine is stopped.
 */
const PRISMA_DONE = {
  deploy: /All migrations have been successfully applied\.|No pending migrations to apply\./,
  status: /Database schema is up to date!/,
} as const;

/** How long a Prisma CLI command may take before the start gives up on it. */
const PRISMA_TIMEOUT_MS = 120_000;

export interface PrismaMigrateResult {
  /** Whether it printed its line of success (see PRISMA_DONE). */
  done: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** What it printed, stdout and stderr together. */
  output: string;
}

/**
 * Runs `prisma migrate <command>` for one database with Prisma's own CLI,
 * exactly as when run by hand (its record is kept in `_prisma_migrations`).
 *
 * Its process is ended as soon as it prints that it is done: left alone it
 * idles for another 10 s. The WebAssembly schema engine races its PostgreSQL
 * advisory lock (`pg_advisory_lock(72707369)`) against a 10-second timeout on
 * a JavaScript `setTimeout` that it never clears, and the CLI exits only when
 * no timer is left (on success it does not call `process.exit`).
 */
export async function runPrismaMigrate(command: keyof typeof PRISMA_DONE, databaseUrl: string, db: ServiceDatabase): Promise<PrismaMigrateResult> {
  const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  let done = false;
  const result = await runHelper(process.execPath, [prismaCli, "migrate", command, "--config", db.prismaConfig], {
    // CHECKPOINT_DISABLE: no version check (a network call) from the CLI.
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    cwd: path.dirname(db.prismaConfig),
    timeoutMs: PRISMA_TIMEOUT_MS,
    onStdout: (stdout, end) => {
      if (!done && PRISMA_DONE[command].test(stdout)) {
        done = true;
        end();
      }
    },
  });
  return { done, code: result.code, signal: result.signal, timedOut: result.timedOut, output: result.output.trim() };
}

/**
 * Runs `prisma migrate deploy` for one database (see runPrismaMigrate), then
 * checks its record: every committed migration must be there, finished.
 */
export async function deployMigrations(databaseUrl: string, db: ServiceDatabase): Promise<void> {
  const { done, code, signal, timedOut, output } = await runPrismaMigrate("deploy", databaseUrl, db);
  if (!done && code !== 0) {
    const why = timedOut ? `it did not finish within ${PRISMA_TIMEOUT_MS / 1000} s` : `prisma migrate deploy exited with ${code ?? signal}`;
    throw new Error(`Applying the ${db.service} migrations failed (${why}).\n${output}`);
  }
  const pending = await pendingMigrations(databaseUrl, db.migrationsDir);
  if (pending.length > 0) {
    throw new Error(
      `Applying the ${db.service} migrations failed: prisma migrate deploy ended, but _prisma_migrations does not show ${pending.join(", ")} as finished.\n${output}`,
    );
  }
}

/** Applies pending migrations, if any; returns the names it applied. */
export async function migrateIfPending(databaseUrl: string, db: ServiceDatabase): Promise<string[]> {
  const pending = await pendingMigrations(databaseUrl, db.migrationsDir);
  if (pending.length > 0) await deployMigrations(databaseUrl, db);
  return pending;
}

/**
 * What Prisma's schema engine (6.19) runs, for PostgreSQL, to create its table
 * of applied migrations. Checked against Prisma's own in the tests.
 */
const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

/** The advisory lock Prisma's schema engine holds while it migrates a PostgreSQL database. */
const PRISMA_MIGRATE_LOCK = 72707369;

/** Why a new database went to Prisma's CLI after all (the transaction was rolled back). */
export type NewDatabaseFallback = (reason: string) => void;

/**
 * Migrates a database the stack has just created (so it holds nothing yet):
 * every committed migration in one transaction, each recorded in
 * `_prisma_migrations` as `prisma migrate deploy` records it (the same table,
 * a row per migration with the sha256 of its migration.sql as checksum, one
 * step applied, start and finish times), under Prisma's advisory lock. Prisma's
 * `migrate status` and `migrate deploy` find the database up to date afterwards.
 *
 * If anything fails (a migration that cannot run in a transaction, say), the
 * transaction is rolled back, the database is as empty as before, and Prisma's
 * own `migrate deploy` does the work instead, with its own errors and record.
 * Returns the names of the migrations applied.
 */
export async function migrateNewDatabase(databaseUrl: string, db: ServiceDatabase, onFallback?: NewDatabaseFallback): Promise<string[]> {
  const names = await committedMigrations(db.migrationsDir);
  const scripts = await Promise.all(names.map((name) => readFile(path.join(db.migrationsDir, name, "migration.sql"))));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let reason: string | undefined;
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [PRISMA_MIGRATE_LOCK]);
    const tables = await client.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM pg_class JOIN pg_namespace ON pg_namespace.oid = relnamespace WHERE relkind IN ('r', 'p') AND nspname = current_schema()",
    );
    if (tables.rows[0]?.count !== 0) {
      reason = "the database is not empty";
    } else {
      await client.query(PRISMA_MIGRATIONS_TABLE);
      for (const [index, name] of names.entries()) {
        const script = scripts[index]!;
        const id = randomUUID();
        const checksum = createHash("sha256").update(script).digest("hex");
        await client.query('INSERT INTO "_prisma_migrations" ("id", "checksum", "started_at", "migration_name") VALUES ($1, $2, clock_timestamp(), $3)', [
          id,
          checksum,
          name,
        ]);
        // No parameters: the simple query protocol, which runs a script of many statements.
        await client.query(script.toString("utf8"));
        await client.query('UPDATE "_prisma_migrations" SET "applied_steps_count" = "applied_steps_count" + 1, "finished_at" = clock_timestamp() WHERE "id" = $1', [id]);
      }
      await client.query("COMMIT");
      return names;
    }
  } catch (error: unknown) {
    reason = error instanceof Error ? error.message : String(error);
  } finally {
    if (reason !== undefined) await client.query("ROLLBACK").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
  onFallback?.(reason);
  return migrateIfPending(databaseUrl, db);
}

/** Creates `database` on the server of `adminUrl` unless it exists. Returns whether it created it. */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount) return false;
    const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : "";
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${from}`);
    return true;
  } finally {
    await client.end();
  }
}

/** Drops `database` (closing its connections first); does nothing if it does not exist. */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
