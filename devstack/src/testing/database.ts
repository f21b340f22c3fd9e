// A database of its own for one test suite, cloned from the migrated template.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { withDatabase } from "../databases.js";
import { dropDatabase, ensureDatabase } from "../migrations.js";
import { ADMIN_URL_ENV, templateEnv } from "./global-setup.js";

export interface TestDatabase {
  /** The suite's own database URL. */
  url: string;
  /** The server's maintenance URL (for tests that need to stop or inspect things). */
  adminUrl: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, migrated database for `service` (e.g. "auth-service").
 *
 * @example
 * const db = await createTestDatabase("auth-service");
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(service: string): Promise<TestDatabase> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const template = process.env[templateEnv(service)];
  if (!adminUrl || !template) {
    throw new Error(`No test database server is set up for ${service}: run the tests through jest with devstack's globalSetup.`);
  }
  const name = `authbridge_test_${service.replace(/\W/g, "_")}_${randomBytes(5).toString("hex")}`;
  await ensureDatabase(adminUrl, name, template);
  return { url: withDatabase(adminUrl, name), adminUrl, name, drop: () => dropDatabase(adminUrl, name) };
}

/**
 * Ends every connection to `database` from the server's side, as a PostgreSQL restart, a
 * failover or an idle timeout would; resolves with how many it ended.
 */
export async function endConnections(database: Pick<TestDatabase, "adminUrl" | "name">): Promise<number> {
  const admin = new pg.Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database.name]);
    return rows.length;
  } finally {
    await admin.end();
  }
}
