// The demo server's configuration: where it listens, and which auth-service
// and resource-service the page talks to. Validated at start, one sentence
// per problem.
import { httpUrl, integer, logLevel, parseEnv } from "@authbridge/service-kit";
import { z } from "zod";

export interface DemoConfig {
  host: string;
  port: number;
  /** The auth-service's public URL (sign-up, sign-in, tokens). */
  authUrl: string;
  /** The resource-service's public URL. */
  apiUrl: string;
  /** The local mail inbox the page links to after a sign-up or a reset request (INBOX_URL; the stack's mail catcher). */
  inboxUrl: string | undefined;
  /** The page's client renews its token this many seconds before it expires. */
  renewBeforeSeconds: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  shutdownTimeoutMs: number;
}

const schema = z.object({
  HOST: z.string().optional().default("127.0.0.1"),
  PORT: integer("PORT", 0, 65535, 4002),
  AUTH_URL: httpUrl("AUTH_URL"),
  API_URL: httpUrl("API_URL"),
  INBOX_URL: httpUrl("INBOX_URL").optional(),
  TOKEN_RENEW_BEFORE_SECONDS: integer("TOKEN_RENEW_BEFORE_SECONDS", 1, 3_600, 30),
  LOG_LEVEL: logLevel,
  SHUTDOWN_TIMEOUT_MS: integer("SHUTDOWN_TIMEOUT_MS", 0, 120_000, 5_000),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const e = parseEnv("demo", schema, env);
  return {
    host: e.HOST,
    port: e.PORT,
    authUrl: new URL(e.AUTH_URL).origin,
    apiUrl: new URL(e.API_URL).origin,
    inboxUrl: e.INBOX_URL,
    renewBeforeSeconds: e.TOKEN_RENEW_BEFORE_SECONDS,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}
