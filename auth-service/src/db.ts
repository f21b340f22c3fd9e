// The auth-service's Prisma client, on node-postgres through the driver adapter
// (Prisma 6.19's engine-free client: nothing native is downloaded or loaded).
import { answersWithin } from "@authbridge/service-kit";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";

export type Database = PrismaClient;

export function createDatabase(databaseUrl: string): Database {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: 10,
    // Fail fast when PostgreSQL is unreachable, so readiness answers 503
    // promptly instead of hanging requests.
    connectionTimeoutMillis: 3_000,
    idleTimeoutMillis: 30_000,
  });
  return new PrismaClient({ adapter });
}

/** Whether the database answers a trivial query promptly (readiness). */
export function databaseIsReachable(db: Database): Promise<boolean> {
  return answersWithin(() => db.$queryRaw`SELECT 1`);
}
