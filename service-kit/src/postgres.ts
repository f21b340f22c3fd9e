// A service's database: one node-postgres pool, with the service's Prisma
// client on it (through Prisma's driver adapter) and prepared statements on
// the same connections for the reads that sit on a hot path. One set of
// connections, one set of limits, configured in one place.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { answersWithin } from "./health.js";

export interface PoolOptions {
  /** Most connections held at once. Default 10. */
  max?: number;
  /** How long to wait for a connection (new or from the pool) before failing, in ms. Default 3,000. */
  connectionTimeoutMillis?: number;
  /** How long an idle connection is kept, in ms. Default 30,000. */
  idleTimeoutMillis?: number;
}

/**
 * A named query: prepared once per connection on first use, then executed by
 * name (no parse or plan step on later calls). `Row` is the shape of one row.
 */
export interface PreparedQuery<Row> {
  readonly name: string;
  readonly text: string;
  /** Never set: carries the row type. */
  readonly row?: Row;
}

export function prepared<Row>(name: string, text: string): PreparedQuery<Row> {
  return { name, text };
}

export interface Database<Prisma> {
  prisma: Prisma;
  /** The pool Prisma runs on, for libraries that take a pool (Better Auth). */
  pool: pg.Pool;
  /** Runs a prepared query on the pool; resolves with its rows. */
  read<Row>(query: PreparedQuery<Row>, values: readonly unknown[]): Promise<Row[]>;
  /** Whether the database answers a trivial query promptly (readiness). */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

// PostgreSQL's `timestamp` (without time zone), which Prisma's DateTime maps
// to, holds UTC: read it as UTC, whatever the process's time zone.
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary" ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const ping = prepared<{ one: number }>("ping", "SELECT 1 AS one");

/**
 * Opens the pool and the Prisma client on it.
 *
 * @example
 * const db = createDatabase(process.env.DATABASE_URL, (adapter) => new PrismaClient({ adapter }));
 */
export function createDatabase<Prisma extends { $disconnect(): Promise<void> }>(
  databaseUrl: string,
  createPrisma: (adapter: PrismaPg) => Prisma,
  options: PoolOptions = {},
): Database<Prisma> {
  // Dates written through this pool are sent as UTC too (node-postgres's
  // default, which is process-wide, would send local time).
  pg.defaults.parseInputDatesAsUTC = true;
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    // Fail fast when PostgreSQL is unreachable, so requests and readiness
    // answer 503 promptly instead of hanging.
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    types,
  });
  const prisma = createPrisma(new PrismaPg(pool));
  const read = async <Row>(query: PreparedQuery<Row>, values: readonly unknown[]): Promise<Row[]> =>
    (await pool.query({ name: query.name, text: query.text, values: [...values] })).rows as Row[];
  return {
    prisma,
    pool,
    read,
    isReachable: () => answersWithin(() => read(ping, [])),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
