// The auth-service's database: one node-postgres pool. Better Auth runs its
// queries on it through its built-in Kysely adapter, and the signing keys are
// read and written through Prisma's engine-free client on the same pool.
// Prisma's schema and migrations (prisma/auth) define every table either uses.
import { createDatabase as openDatabase, type Database as ServiceDatabase } from "@authbridge/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type Database = ServiceDatabase<PrismaClient>;

export function createDatabase(databaseUrl: string): Database {
  return openDatabase(databaseUrl, (adapter) => new PrismaClient({ adapter }));
}
