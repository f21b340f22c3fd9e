// A service's database: one node-postgres pool, with the service's Prisma
// client on it (through Prisma's driver adapter) and prepared statements on
// the same connections for the reads that sit on a hot path. One set of
// connections, one set of limits, configured in one place.
//
// Every wait on the database has a deadline, so that a database that stalls
// (a partition, a lock, a paused VM: connections stay open and nothing
// answers) never hangs a request:
// - waiting for a connection, new or pooled: `connectionTimeoutMillis`;
// - a statement PostgreSQL itself runs too long: `statement_timeout`, which
//   PostgreSQL cancels (the connection stays usable);
// - a query nobody answers: `query_timeout`, after which the connection is
//   closed. A connection with an unanswered query is never used again:
//   node-postgres would queue the next query behind the stuck one, and
//   libraries that check connections out themselves (Kysely, Prisma's
//   transactions) hand it back to the pool as if it were healthy.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { isDatabaseUnavailable } from "./database-errors.js";
import { answersWithin } from "./health.js";

export interface PoolOptions {
  /** Most connections held at once. Default 10. */
  max?: number;
  /** How long to wait for a connection (new or from the pool) before failing, in ms. Default 3,000. */
  connectionTimeoutMillis?: number;
  /** How long an idle connection is kept, in ms. Default 30,000. */
  idleTimeoutMillis?: number;
  /** PostgreSQL cancels a statement that runs longer (its statement_timeout), in ms. Default 5,000. */
  statementTimeoutMillis?: number;
  /**
   * A query unanswered this long fails with "Query read timeout" and its
   * connection is closed, in ms. Default 6,000. Longer than the statement
   * timeout, so that a server that answers cancels a slow statement itself.
   */
  queryTimeoutMillis?: number;
  /**
   * Hears every failure that means "the database cannot answer" (see
   * isDatabaseUnavailable), in the async context of the caller that waited
   * for it: for code that must tell such a failure from an empty answer when a
   * library swallows the error (Better Auth's session lookup).
   */
  onUnavailable?: (error: unknown) => void;
}

/** The defaults of PoolOptions' deadlines, in ms. */
export const DATABASE_DEADLINES = { connectTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 } as const;

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
  /** Runs a prepared statement on the pool; resolves with its rows. */
  query<Row>(statement: PreparedQuery<Row>, values: readonly unknown[]): Promise<Row[]>;
  /** Whether the database answers a trivial query promptly (readiness). */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

// PostgreSQL's `timestamp` (without time zone), which Prisma's DateTime maps
// to, holds UTC: read it as UTC, whatever the process's time zone.
const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID && format !== "binary" ? parseUtcTimestamp : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const digitsAt = (text: string, start: number, count: number): number => {
  let value = 0;
  for (let index = start; index < start + count; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
};

/**
 * A `timestamp` column's text (PostgreSQL's ISO output, "2026-12-07
 * 02:18:17.123456") as the UTC instant it holds. The usual shape is read digit
 * by digit, without building strings on the way (a page of posts has dozens of
 * timestamps); anything else (BC, a year before 100 or after 9999, infinity)
 * goes through the Date parser, as every value did before.
 */
export function parseUtcTimestamp(text: string): Date {
  const length = text.length;
  if (length >= 19 && length <= 26 && text[4] === "-" && text[7] === "-" && text[10] === " " && text[13] === ":" && text[16] === ":" && (length === 19 || (length > 20 && text[19] === "."))) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 2);
    const day = digitsAt(text, 8, 2);
    const hour = digitsAt(text, 11, 2);
    const minute = digitsAt(text, 14, 2);
    const second = digitsAt(text, 17, 2);
    // Milliseconds: the first three digits of the fraction (the Date parser truncates the same way).
    const milliseconds = length === 19 ? 0 : digitsAt(text, 20, Math.min(3, length - 20)) * 10 ** Math.max(0, 23 - length);
    const beyond = length > 23 ? digitsAt(text, 23, length - 23) : 0;
    // NaN fails every comparison, so a non-digit anywhere falls through too.
    if (year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59 && milliseconds >= 0 && beyond >= 0) {
      return new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds));
    }
  }
  return new Date(`${text.replace(" ", "T")}Z`);
}

const ping = prepared<{ one: number }>("ping", "SELECT 1 AS one");

/**
 * One execution of `statement`: node-postgres's Query, made from the text and
 * named after. Given a config object instead, node-postgres copies it property
 * descriptor by property descriptor on every query (utils.js,
 * cloneQueryConfig), which cost more CPU than the rest of building the query.
 * The pool runs a Query as it is (a "submittable") and still resolves with
 * its result. The values are only read (bound to the statement).
 */
function execution(statement: PreparedQuery<unknown>, values: readonly unknown[]): pg.Query {
  const query = new pg.Query(statement.text, values as unknown[]);
  (query as { name?: string }).name = statement.name;
  return query;
}

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
  const pool = new DeadlinePool(
    {
      connectionString: databaseUrl,
      max: options.max ?? 10,
      // Fail fast when PostgreSQL is unreachable, so requests and readiness
      // answer 503 promptly instead of hanging.
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? DATABASE_DEADLINES.connectTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
      statement_timeout: options.statementTimeoutMillis ?? DATABASE_DEADLINES.statementTimeoutMs,
      query_timeout: options.queryTimeoutMillis ?? DATABASE_DEADLINES.queryTimeoutMs,
      // A peer gone for good behind a partition is noticed on idle connections too.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      types,
    },
    options.onUnavailable ?? (() => undefined),
  );
  const prisma = createPrisma(new PrismaPg(pool));
  const query = async <Row>(statement: PreparedQuery<Row>, values: readonly unknown[]): Promise<Row[]> =>
    ((await pool.query(execution(statement, values))) as unknown as pg.QueryResult).rows as Row[];
  return {
    prisma,
    pool,
    query,
    isReachable: () => answersWithin(() => query(ping, [])),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

const QUERY_TIMEOUT_MESSAGE = "Query read timeout";

/** Calls `report` with a rejection that means "the database cannot answer", then passes the rejection on. */
function reporting<T>(result: T, report: (error: unknown) => void): T {
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    if (isDatabaseUnavailable(error)) report(error);
    throw error;
  }) as T;
}

/**
 * A pool whose connections are closed when a query on them goes unanswered,
 * and which reports "unavailable" failures of connect() and query() (promise
 * forms: the callback forms are pg-pool's own plumbing) to `onUnavailable`.
 */
class DeadlinePool extends pg.Pool {
  constructor(
    config: pg.PoolConfig,
    private readonly report: (error: unknown) => void,
  ) {
    super({ ...config, Client: deadlineClient(report) });
    // An idle connection that PostgreSQL ends (a restart, a failover, pg_terminate_backend,
    // an idle timeout on the server or a proxy) is an 'error' of the pool, after pg-pool has
    // dropped that connection; unheard, it would crash the process. The next query opens a
    // new connection, and a database that is really gone shows in readiness and in the
    // requests that need it (503 database_unavailable).
    this.on("error", () => undefined);
  }

  override connect(...args: any[]): any {
    return reporting((super.connect as (...rest: unknown[]) => unknown)(...args), this.report);
  }

  override query(...args: any[]): any {
    return reporting((super.query as (...rest: unknown[]) => unknown)(...args), this.report);
  }
}

/**
 * node-postgres's Client, closed as soon as one of its queries times out
 * (query_timeout). pg only fails the query: the connection stays checked out,
 * or goes back to the pool, with the unanswered query still in front of every
 * later one. Ending the client closes the socket at once (it has a query in
 * flight) without an 'error' event, and pg-pool drops a client that is ending
 * when it is released, whoever holds it.
 */
function deadlineClient(onUnavailable: (error: unknown) => void): typeof pg.Client {
  return class DeadlineClient extends pg.Client {
    override query(...args: any[]): any {
      const callbackAt = args.findIndex((arg) => typeof arg === "function");
      if (callbackAt >= 0) {
        const callback = args[callbackAt] as (error: unknown, result?: unknown) => void;
        args[callbackAt] = (error: unknown, result?: unknown) => {
          this.abandonIfTimedOut(error);
          callback(error, result);
        };
        return (super.query as (...rest: unknown[]) => unknown)(...args);
      }
      const result = (super.query as (...rest: unknown[]) => unknown)(...args);
      if (!(result instanceof Promise)) return result;
      return reporting(
        result.catch((error: unknown) => {
          this.abandonIfTimedOut(error);
          throw error;
        }),
        onUnavailable,
      );
    }

    private abandonIfTimedOut(error: unknown): void {
      if (error instanceof Error && error.message === QUERY_TIMEOUT_MESSAGE) void this.end().catch(() => undefined);
    }
  };
}
