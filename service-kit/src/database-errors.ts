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
const UNAVAILABLE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P03"]);

function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, kind, cause, meta, message } = error as { code?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown }; message?: unknown };
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_ERRNOS.has(code))) return true;
  if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
  if (typeof message === "string" && /Connection terminated|connect ECONNREFUSED/.test(message)) return true;
  return isUnavailable(cause, depth + 1) || isUnavailable(meta?.driverAdapterError, depth + 1);
}

export const databaseUnavailable: ProblemMapper = (error) =>
  isUnavailable(error) ? new HttpProblem(503, "database_unavailable", "The database is unreachable; try again shortly.", { "Retry-After": "5" }) : undefined;
