// The databases of the stack: one per service, each with its own Prisma schema
// and migrations under prisma/. No service reads another's tables.
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (devstack/src/.. /..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface ServiceDatabase {
  /** The service that owns the database. */
  service: string;
  /** The database's name on the stack's PostgreSQL server. */
  database: string;
  /** The Prisma CLI configuration (absolute path). */
  prismaConfig: string;
  /** The folder of committed migrations (absolute path). */
  migrationsDir: string;
}

export const serviceDatabases: readonly ServiceDatabase[] = [
  {
    service: "auth-service",
    database: "authbridge_auth",
    prismaConfig: path.join(repoRoot, "prisma", "auth.config.ts"),
    migrationsDir: path.join(repoRoot, "prisma", "auth", "migrations"),
  },
  {
    service: "resource-service",
    database: "authbridge_resource",
    prismaConfig: path.join(repoRoot, "prisma", "resource.config.ts"),
    migrationsDir: path.join(repoRoot, "prisma", "resource", "migrations"),
  },
];

export function serviceDatabase(service: string): ServiceDatabase {
  const found = serviceDatabases.find((db) => db.service === service);
  if (!found) throw new Error(`No database is declared for the service "${service}".`);
  return found;
}

/** The same server as `url`, another database. */
export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${encodeURIComponent(database)}`;
  return next.toString();
}
