// Structured logs with pino: one line per request. Credentials never reach a
// log line: request logs carry no headers but a few harmless ones, the query
// string is dropped (some flows put tokens in query strings), and any
// field that could hold a secret is redacted wherever it appears.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino, type Logger } from "pino";
import { pinoHttp } from "pino-http";

export const REDACTED_PATHS = [
  "password",
  "*.password",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "authorization",
  "*.authorization",
  "cookie",
  "*.cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  'headers["set-auth-jwt"]',
];

/**
 * Errors are logged by name, code, the first line of their message and their
 * stack frames. Later lines of a message can quote data: a Prisma error, for
 * one, prints the arguments of the query that failed.
 */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error).split("\n")[0]?.slice(0, 300) };
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: error.message.split("\n").find((line) => line.trim() !== "")?.slice(0, 300) ?? "",
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    stack: frames.slice(0, 15).join("\n"),
  };
}

export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The request path without its query string, and without the token of a reset-password link. */
export function pathOnly(url: string | undefined): string {
  return ((url ?? "").split("?")[0] ?? "").replace(/(\/reset-password\/)[^/]+/, "$1[redacted]");
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (_req: IncomingMessage, res: ServerResponse) => {
      const id = randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    serializers: {
      req: (req: IncomingMessage & { id?: unknown; remoteAddress?: string }) => ({
        id: req.id,
        method: req.method,
        path: pathOnly(req.url),
        remoteAddress: req.remoteAddress,
        userAgent: req.headers?.["user-agent"],
      }),
      res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
      // pino-http wraps errors as { raw }; without this its child logger would use
      // pino's standard serializer, which logs whole messages and every field
      // (body-parser's errors carry the raw request body).
      err: (error: { raw?: unknown }) => serializeError(error?.raw ?? error),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? "error" : "info"),
    customSuccessMessage: (req, res) => `${req.method} ${pathOnly(req.url)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOnly(req.url)} ${res.statusCode}`,
  });
}
