// The auth-service's database: one node-postgres pool. Better Auth runs its
// queries on it through its built-in Kysely adapter, and the signing keys are
// read and written through Prisma's engine-free client on the same pool.
// Prisma's schema and migrations (prisma/auth) define every table either uses.
import { createDatabase as openDatabase, type DatabaseDeadlines, type Database as ServiceDatabase } from "@authbridge/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type Database = ServiceDatabase<PrismaClient>;

/**
 * `onUnavailable` hears every "database unavailable" failure in its caller's
 * async context (see auth/dependency-failures.ts).
 */
export function createDatabase(databaseUrl: string, deadlines?: DatabaseDeadlines, onUnavailable?: (error: unknown) => void): Database {
  return openDatabase(databaseUrl, (adapter) => new PrismaClient({ adapter }), {
    ...(deadlines
      ? { connectionTimeoutMillis: deadlines.connectTimeoutMs, statementTimeoutMillis: deadlines.statementTimeoutMs, queryTimeoutMillis: deadlines.queryTimeoutMs }
      : {}),
    ...(onUnavailable ? { onUnavailable } : {}),
  });
}
