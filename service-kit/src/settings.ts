// The settings every service reads the same way: where it listens, who may
// call it from a browser, which proxies it trusts, how it logs and stops,
// where its metrics are served, and how long a request and its database may
// take.
import { z } from "zod";
import { ConfigError, integer, list, logLevel, origins, parseTrustProxy } from "./config.js";
import { DATABASE_DEADLINES } from "./postgres.js";

/**
 * Where /metrics is served (see metrics.ts). Off unless METRICS_PORT or
 * METRICS_TOKEN is set: metrics describe traffic, failures and sign-in
 * attempts, which the public should not read.
 */
export interface MetricsSettings {
  /** METRICS_PORT: serve /metrics on a listener of its own on this port; the main port then never serves it. */
  port: number | undefined;
  /** METRICS_HOST: that listener's address (default HOST). */
  host: string;
  /** METRICS_TOKEN: the bearer token /metrics requires, wherever it is served. */
  token: string | undefined;
}

/** The database's deadlines (see postgres.ts), in ms. */
export interface DatabaseDeadlines {
  /** DATABASE_CONNECT_TIMEOUT_MS: waiting for a connection, pooled or new. */
  connectTimeoutMs: number;
  /** DATABASE_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a longer statement. */
  statementTimeoutMs: number;
  /** DATABASE_QUERY_TIMEOUT_MS: an unanswered query fails and its connection is closed. */
  queryTimeoutMs: number;
}

export interface ServiceSettings {
  host: string;
  port: number;
  /** Browser origins allowed to call the service (CORS). */
  corsOrigins: string[];
  /** Express `trust proxy`: false, a hop count, or a list of addresses/subnets. */
  trustProxy: boolean | number | string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** How long in-flight requests may take after SIGTERM. */
  shutdownTimeoutMs: number;
  /** How long to keep serving (readiness already 503) after SIGTERM before closing the port. */
  shutdownDelayMs: number;
  metrics: MetricsSettings;
  /** REQUEST_TIMEOUT_MS: a request not answered by then gets 503 deadline_exceeded (the last resort). */
  requestTimeoutMs: number;
  database: DatabaseDeadlines;
}

const unsetIfEmpty = (value: string | undefined) => (value === "" ? undefined : value);

const optionalPort = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return undefined;
      const parsed = Number(value);
      if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65535) {
        ctx.addIssue({ code: "custom", message: `${name} must be a port number from 1 to 65535, but it is "${value}".` });
        return z.NEVER;
      }
      return parsed;
    });

/** At least 32 printable characters: a bearer token guessed in a few tries would protect nothing. */
const METRICS_TOKEN_PATTERN = /^[\x21-\x7e]{32,512}$/;

/** The zod shape of the common variables; spread it into a service's schema. */
export function serviceEnvShape(defaultPort: number) {
  return {
    HOST: z.string().optional().default("127.0.0.1"),
    PORT: integer("PORT", 0, 65535, defaultPort),
    CORS_ORIGINS: origins("CORS_ORIGINS"),
    TRUST_PROXY: z.string().optional(),
    LOG_LEVEL: logLevel,
    SHUTDOWN_TIMEOUT_MS: integer("SHUTDOWN_TIMEOUT_MS", 0, 120_000, 10_000),
    SHUTDOWN_DELAY_MS: integer("SHUTDOWN_DELAY_MS", 0, 60_000, 0),
    REQUEST_TIMEOUT_MS: integer("REQUEST_TIMEOUT_MS", 1_000, 300_000, 30_000),
    DATABASE_CONNECT_TIMEOUT_MS: integer("DATABASE_CONNECT_TIMEOUT_MS", 100, 60_000, DATABASE_DEADLINES.connectTimeoutMs),
    DATABASE_STATEMENT_TIMEOUT_MS: integer("DATABASE_STATEMENT_TIMEOUT_MS", 100, 300_000, DATABASE_DEADLINES.statementTimeoutMs),
    DATABASE_QUERY_TIMEOUT_MS: integer("DATABASE_QUERY_TIMEOUT_MS", 100, 300_000, DATABASE_DEADLINES.queryTimeoutMs),
    METRICS_PORT: optionalPort("METRICS_PORT"),
    METRICS_HOST: z.string().optional().transform(unsetIfEmpty),
    METRICS_TOKEN: z
      .string()
      .optional()
      .transform(unsetIfEmpty)
      .refine((value) => value === undefined || METRICS_TOKEN_PATTERN.test(value), {
        error: "METRICS_TOKEN must be 32 to 512 printable characters without spaces; generate one with openssl rand -hex 32.",
      }),
  };
}

type ServiceEnv = z.output<z.ZodObject<ReturnType<typeof serviceEnvShape>>>;

export function serviceSettings(e: ServiceEnv): ServiceSettings {
  if (e.METRICS_HOST !== undefined && e.METRICS_PORT === undefined) {
    throw new ConfigError(
      "METRICS_HOST is set but METRICS_PORT is not: set METRICS_PORT to serve metrics on a listener of their own at that address, or remove METRICS_HOST.",
    );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError(`METRICS_PORT must differ from PORT (both are ${e.PORT}): metrics are served on a listener of their own.`);
  }
  if (e.DATABASE_QUERY_TIMEOUT_MS <= e.DATABASE_STATEMENT_TIMEOUT_MS) {
    throw new ConfigError(
      `DATABASE_QUERY_TIMEOUT_MS (${e.DATABASE_QUERY_TIMEOUT_MS}) must be greater than DATABASE_STATEMENT_TIMEOUT_MS (${e.DATABASE_STATEMENT_TIMEOUT_MS}): a server that answers should cancel a slow statement itself, keeping the connection, before the service gives up on it and closes the connection.`,
    );
  }
  const databaseBudget = e.DATABASE_CONNECT_TIMEOUT_MS + e.DATABASE_QUERY_TIMEOUT_MS;
  if (e.REQUEST_TIMEOUT_MS <= databaseBudget) {
    throw new ConfigError(
      `REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS}) must be greater than DATABASE_CONNECT_TIMEOUT_MS + DATABASE_QUERY_TIMEOUT_MS (${databaseBudget}): a request must have time to wait for a connection and a query, so that a stalled database is answered as such (503 database_unavailable) before the request's own deadline.`,
    );
  }
  return {
    host: e.HOST,
    port: e.PORT,
    corsOrigins: list(e.CORS_ORIGINS),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST ?? e.HOST, token: e.METRICS_TOKEN },
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    database: { connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS, queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS },
  };
}
