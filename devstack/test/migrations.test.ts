// Migrations through Prisma's own CLI: what it records, and what a failed
// migration tells the developer.
import { afterAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { serviceDatabase, withDatabase, type ServiceDatabase } from "../src/databases.js";
import { deployMigrations, dropDatabase, ensureDatabase } from "../src/migrations.js";
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

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "broken-migration");
const broken: ServiceDatabase = {
  service: "broken-fixture",
  database: "unused",
  prismaConfig: path.join(fixture, "prisma.config.ts"),
  migrationsDir: path.join(fixture, "migrations"),
};

afterAll(async () => {
  for (const name of created) await dropDatabase(adminUrl, name);
});

describe("deployMigrations", () => {
  it("leaves _prisma_migrations as prisma migrate deploy records it", async () => {
    const url = await emptyDatabase();
    const auth = serviceDatabase("auth-service");
    await deployMigrations(url, auth);
    // Every migration of the folder, in order, each with the checksum of its SQL.
    const names = (await readdir(auth.migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(names[0]).toBe("20261127000000_init");
    const expected = await Promise.all(
      names.map(async (name) => ({
        migration_name: name,
        checksum: createHash("sha256")
          .update(await readFile(path.join(auth.migrationsDir, name, "migration.sql")))
          .digest("hex"),
        finished_at: expect.any(Date),
        rolled_back_at: null,
        logs: null,
        applied_steps_count: 1,
      })),
    );
    expect(await migrationRows(url)).toEqual(expected);
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
