// The settings every service reads the same way: where it listens, who may
// call it from a browser, which proxies it trusts, how it logs and stops.
import { z } from "zod";
import { integer, list, logLevel, origins, parseTrustProxy } from "./config.js";

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
}

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
  };
}

type ServiceEnv = z.output<z.ZodObject<ReturnType<typeof serviceEnvShape>>>;

export function serviceSettings(e: ServiceEnv): ServiceSettings {
  return {
    host: e.HOST,
    port: e.PORT,
    corsOrigins: list(e.CORS_ORIGINS),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
  };
}
