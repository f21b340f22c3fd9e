// Template databases: each service's migrations are applied once into a
// template named after their fingerprint, and every test suite clones it with
// CREATE DATABASE ... TEMPLATE (milliseconds) instead of running the migration
// engine (~2.5 s a database) itself. A template survives between runs until the
// migrations change.
import pg from "pg";
import type { ServiceDatabase } from "../databases.js";
import { withDatabase } from "../databases.js";
import { deployMigrations, dropDatabase, migrationsFingerprint } from "../migrations.js";

export async function templateName(db: ServiceDatabase): Promise<string> {
  return `authbridge_tpl_${db.database.replace(/^authbridge_/, "")}_${await migrationsFingerprint(db.migrationsDir)}`;
}

/** Ensures the template for `db` exists and is fully migrated; returns its name. */
export async function ensureTemplate(adminUrl: string, db: ServiceDatabase): Promise<string> {
  const name = await templateName(db);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return name;
    // Build under a temporary name and rename when complete, so an interrupted
    // build never leaves a half-migrated template behind.
    const building = `${name}_build_${process.pid}`;
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(building)}`);
    try {
      await deployMigrations(withDatabase(adminUrl, building), db);
      await admin.query(`ALTER DATABASE ${admin.escapeIdentifier(building)} RENAME TO ${admin.escapeIdentifier(name)}`);
    } catch (error: unknown) {
      await dropDatabase(adminUrl, building);
      throw error;
    }
    return name;
  } finally {
    await admin.end();
  }
}
