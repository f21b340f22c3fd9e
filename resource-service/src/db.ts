// The resource-service's Prisma client (engine-free, on node-postgres).
import { answersWithin } from "@authbridge/service-kit";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string): Database {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 3_000, idleTimeoutMillis: 30_000 });
  return new PrismaClient({ adapter });
}

/** Whether the database answers a trivial query promptly (readiness). */
export function databaseIsReachable(db: Database): Promise<boolean> {
  return answersWithin(() => db.$queryRaw`SELECT 1`);
}
