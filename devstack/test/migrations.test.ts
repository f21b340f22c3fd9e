// Migrations through Prisma's own CLI: what it records, and what a failed
// migration tells the developer. And a new database's migrations applied in
// one transaction: the same tables, the same record, and Prisma's CLI agrees.
import { afterAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { serviceDatabase, serviceDatabases, withDatabase, type ServiceDatabase } from "../src/databases.js";
import { deployMigrations, dropDatabase, ensureDatabase, migrateNewDatabase, runPrismaMigrate } from "../src/migrations.js";
import { ADMIN_URL_ENV } from "../src/testing/global-setup.js";

const adminUrl = process.env[ADMIN_URL_ENV]!;
const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `authbridge_test_migrations_${randomBytes(5).toString("hex")}`;
  await ensureDatabase(adminUrl, name);
  created.push(name);
  return withDatabase(adminUrl, name);
}

async function migrationRows(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count FROM _prisma_migrations ORDER BY migration_name",
    );
    return rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

/**
 * What a database holds, as PostgreSQL's catalog describes it: schemas, enums,
 * tables and their columns, constraints and indexes (`_prisma_migrations` included).
 */
async function schemaOf(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rows = async (sql: string) => (await client.query(sql)).rows as unknown[];
  try {
    return {
      schemas: await rows("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1"),
      enums: await rows("SELECT typname, array_agg(enumlabel ORDER BY enumsortorder) AS labels FROM pg_enum JOIN pg_type ON pg_type.oid = enumtypid GROUP BY typname ORDER BY 1"),
      columns: await rows(
        "SELECT table_name, column_name, ordinal_position, data_type, udt_name, character_maximum_length, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 3",
      ),
      constraints: await rows(
        "SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(pg_constraint.oid) AS definition FROM pg_constraint JOIN pg_namespace ON pg_namespace.oid = connamespace WHERE nspname = 'public' ORDER BY 1, 2",
      ),
      indexes: await rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"),
    };
  } finally {
    await client.end();
  }
}

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "broken-migration");
const broken: ServiceDatabase = {
  service: "broken-fixture",
  database: "unused",
  prismaConfig: path.join(fixture, "prisma.config.ts"),
  migrationsDir: path.join(fixture, "migrations"),
};

/** Every migration of the folder, in order, each with the checksum of its SQL, finished in one step. */
async function expectedRows(db: ServiceDatabase) {
  const names = (await readdir(db.migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      migration_name: name,
      checksum: createHash("sha256")
        .update(await readFile(path.join(db.migrationsDir, name, "migration.sql")))
        .digest("hex"),
      finished_at: expect.any(Date),
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
    })),
  );
}

afterAll(async () => {
  for (const name of created) await dropDatabase(adminUrl, name);
});

describe("deployMigrations", () => {
  it("leaves _prisma_migrations as prisma migrate deploy records it", async () => {
    const url = await emptyDatabase();
    const auth = serviceDatabase("auth-service");
    await deployMigrations(url, auth);
    expect((await expectedRows(auth))[0]?.migration_name).toBe("20261127000000_init");
    expect(await migrationRows(url)).toEqual(await expectedRows(auth));
  });

  it("fails with Prisma's own error when a migration fails, and again on the next try", async () => {
    const url = await emptyDatabase();
    const first = deployMigrations(url, broken);
    await expect(first).rejects.toThrow(/^Applying the broken-fixture migrations failed \(prisma migrate deploy exited with 1\)\./);
    await expect(first).rejects.toThrow(/Unique constraint failed: Thing_pkey[\s\S]*migration_name="20260101000000_broken"/);
    // Prisma recorded the failure: it must be resolved before anything else is applied.
    await expect(deployMigrations(url, broken)).rejects.toThrow(/P3009[\s\S]*20260101000000_broken/);
  });
});

describe("migrateNewDatabase", () => {
  it.each(serviceDatabases.map((db) => [db.service, db] as const))(
    "gives a new %s database what prisma migrate deploy gives it, and Prisma's CLI finds it up to date",
    async (_service, db) => {
      const [ours, prismas] = [await emptyDatabase(), await emptyDatabase()];
      const fallbacks: string[] = [];
      const [applied] = await Promise.all([migrateNewDatabase(ours, db, (reason) => fallbacks.push(reason)), deployMigrations(prismas, db)]);
      expect(fallbacks).toEqual([]);
      expect(applied).toEqual((await expectedRows(db)).map((row) => row.migration_name));
      expect(await migrationRows(ours)).toEqual(await expectedRows(db));
      expect(await schemaOf(ours)).toEqual(await schemaOf(prismas));
      // Prisma orders what it applied by start time: the folder's order.
      const client = new pg.Client({ connectionString: ours });
      await client.connect();
      const started = await client.query("SELECT migration_name FROM _prisma_migrations ORDER BY started_at, finished_at").finally(() => client.end());
      expect(started.rows.map((row: { migration_name: string }) => row.migration_name)).toEqual(applied);

      const [status, deploy] = await Promise.all([runPrismaMigrate("status", ours, db), runPrismaMigrate("deploy", ours, db)]);
      expect(status).toEqual(expect.objectContaining({ done: true, output: expect.stringContaining("Database schema is up to date!") }));
      expect(deploy).toEqual(expect.objectContaining({ done: true, output: expect.stringContaining("No pending migrations to apply.") }));
    },
  );

  it("hands a migration that fails to prisma migrate deploy, which reports and records it as its own", async () => {
    const url = await emptyDatabase();
    const fallbacks: string[] = [];
    await expect(migrateNewDatabase(url, broken, (reason) => fallbacks.push(reason))).rejects.toThrow(
      /^Applying the broken-fixture migrations failed \(prisma migrate deploy exited with 1\)\.[\s\S]*Unique constraint failed/,
    );
    expect(fallbacks).toEqual([expect.stringContaining("duplicate key value violates unique constraint")]);
    // What the database holds is Prisma's doing: its record of the failed migration (ours was rolled back).
    expect(await migrationRows(url)).toEqual([
      expect.objectContaining({ migration_name: "20260101000000_broken", finished_at: null, logs: expect.stringContaining("Unique constraint failed") }),
    ]);
  });

  it("leaves a database that is not empty to Prisma, and changes nothing in it", async () => {
    const url = await emptyDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE TABLE someone_elses (id int)");
    await client.end();
    const fallbacks: string[] = [];
    await expect(migrateNewDatabase(url, serviceDatabase("resource-service"), (reason) => fallbacks.push(reason))).rejects.toThrow(/P3005/);
    expect(fallbacks).toEqual(["the database is not empty"]);
    expect((await schemaOf(url)).columns).toEqual([expect.objectContaining({ table_name: "someone_elses", column_name: "id" })]);
  });
});
