// The resource-service's database: Prisma's engine-free client for writes and
// the schema's types, and prepared statements on the same pool for the reads
// every request makes (a post, a page of posts, a profile).
//
// Why both: Prisma 6.19's client compiles every query to a plan in
// WebAssembly and maps its rows in JavaScript, which costs about 0.1 ms of CPU
// for a findUnique and 0.6 ms for a page of 20 posts; a prepared statement on
// the same connection costs about 0.05 ms. See docs/benchmarks.md.
import { createDatabase as openDatabase, type DatabaseDeadlines, type Database as ServiceDatabase } from "@authbridge/service-kit";
import { PrismaClient } from "./generated/prisma/client.js";

export type Database = ServiceDatabase<PrismaClient>;

export function createDatabase(databaseUrl: string, deadlines?: DatabaseDeadlines): Database {
  return openDatabase(
    databaseUrl,
    (adapter) => new PrismaClient({ adapter }),
    deadlines
      ? { connectionTimeoutMillis: deadlines.connectTimeoutMs, statementTimeoutMillis: deadlines.statementTimeoutMs, queryTimeoutMillis: deadlines.queryTimeoutMs }
      : {},
  );
}
