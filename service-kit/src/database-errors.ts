// A database that cannot be reached is a temporary condition of ours, not a
// bug: answer 503 database_unavailable with Retry-After (and log no stack),
// so clients retry and load balancers see it, instead of a 500.
import { HttpProblem, type ProblemMapper } from "./problem.js";

/** Prisma's codes for "the database is not there right now". */
const UNAVAILABLE_CODES = new Set([
  "P1001", // can't reach the database server
  "P1002", // the server was reached but timed out
  "P1008", // operation timed out
  "P1017", // the server closed the connection
  "P2024", // timed out fetching a connection from the pool
]);
/** The driver adapter's kinds for the same, and node-postgres's socket errors. */
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/**
 * Socket errors, and PostgreSQL's SQLSTATEs for the same: 57014 a statement
 * cancelled (statement_timeout), 57P01..57P03 the server shutting down or
 * starting, 53300 too many connections.
 */
const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57014", "57P01", "57P02", "57P03", "53300"]);
/**
 * node-postgres's and pg-pool's own messages for a database that does not
 * answer: a query past query_timeout, no connection within
 * connectionTimeoutMillis (from the pool, or a new one), a connection that
 * broke or was closed under a query.
 */
const UNAVAILABLE_MESSAGES = /Connection terminated|connect ECONNREFUSED|^Query read timeout$|^timeout exceeded when trying to connect$|is not queryable$/;

/** Whether `error` (from node-postgres, Prisma or its driver adapter, however wrapped) means the database cannot answer right now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, originalCode, kind, cause, meta, message } = error as {
    code?: unknown;
    originalCode?: unknown;
    kind?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
    message?: unknown;
  };
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  if (typeof originalCode === "string" && UNAVAILABLE_ERRNOS.has(originalCode)) return true;
  if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(meta?.driverAdapterError, depth + 1);
}

/** The answer to a request the database could not serve: 503 database_unavailable, retry in 5 s. */
export function databaseUnavailableProblem(): HttpProblem {
  return new HttpProblem(503, "database_unavailable", "The database is unreachable; try again shortly.", { "Retry-After": "5" });
}

export const databaseUnavailable: ProblemMapper = (error) => (isDatabaseUnavailable(error) ? databaseUnavailableProblem() : undefined);
