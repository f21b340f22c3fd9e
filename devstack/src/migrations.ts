// Applies committed Prisma migrations with Prisma's own `migrate deploy`, only
// when something is pending: which migrations a database has is read straight
// from Prisma's `_prisma_migrations` table in a few milliseconds.
import { createHash } from "node:crypto";
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
 * The line `prisma migrate deploy` (6.19) prints once its command has returned:
 * the migrations are applied and recorded, and the schema engine is stopped.
 */
const DEPLOY_DONE = /All migrations have been successfully applied\.|No pending migrations to apply\./;

/** How long `migrate deploy` may take before the start gives up on it. */
const DEPLOY_TIMEOUT_MS = 120_000;

/**
 * Runs `prisma migrate deploy` for one database. Prisma's CLI does the work and
 * keeps its record in `_prisma_migrations`, exactly as when run by hand.
 *
 * Its process is ended as soon as it prints that it is done: left alone it
 * idles for another 10 s. The WebAssembly schema engine races its PostgreSQL
 * advisory lock (`pg_advisory_lock(72707369)`) against a 10-second timeout on
 * a JavaScript `setTimeout` that it never clears, and the CLI exits only when
 * no timer is left (on success it does not call `process.exit`). The record is
 * then checked: every committed migration must be there, finished.
 */
export async function deployMigrations(databaseUrl: string, db: ServiceDatabase): Promise<void> {
  const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  let done = false;
  const result = await runHelper(process.execPath, [prismaCli, "migrate", "deploy", "--config", db.prismaConfig], {
    // CHECKPOINT_DISABLE: no version check (a network call) from the CLI.
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    cwd: path.dirname(db.prismaConfig),
    timeoutMs: DEPLOY_TIMEOUT_MS,
    onStdout: (stdout, end) => {
      if (!done && DEPLOY_DONE.test(stdout)) {
        done = true;
        end();
      }
    },
  });
  const output = result.output.trim();
  if (!done && result.code !== 0) {
    const why = result.timedOut ? `it did not finish within ${DEPLOY_TIMEOUT_MS / 1000} s` : `prisma migrate deploy exited with ${result.code ?? result.signal}`;
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
