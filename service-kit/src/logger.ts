// Structured logs with pino: one line per request. Credentials never reach a
// log line: request logs carry no headers but a few harmless ones, the query
// string is dropped (some flows put tokens in query strings), and any
// field that could hold a secret is redacted wherever it appears.
import { randomUUID } from "node:crypto";
import { pino, type Logger } from "pino";
import type { RequestHandler } from "express";

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

/**
 * The service's logger. Without a destination it writes to stdout
 * asynchronously: a line is handed to the kernel in the background, and lines
 * written while a write is in flight go out together in one call, so a busy
 * service does not make one blocking system call per request. What is still
 * buffered is written synchronously when the process exits.
 */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: serializeError },
  };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

/** The request path without its query string, and without the token of a reset-password link. */
export function pathOnly(url: string | undefined): string {
  const path = url === undefined ? "" : url.includes("?") ? (url.split("?")[0] ?? "") : url;
  return path.includes("/reset-password/") ? path.replace(/(\/reset-password\/)[^/]+/, "$1[redacted]") : path;
}

declare module "node:http" {
  interface IncomingMessage {
    /** The request's id, also sent back as X-Request-Id and logged with its line. */
    id?: string;
  }
}

/**
 * One log line per request, when its response is finished or the connection
 * closed before it could be: id, method, path (no query string), client
 * address and user agent, status and time taken. Nothing else about the
 * request is read, so no header or body can leak into a line. The lines are
 * built from those fields alone and logged without the redaction pass the
 * service's other lines go through.
 */
export function requestLogger(logger: Logger): RequestHandler {
  const lines = logger.child({}, { redact: [] });
  return (req, res, next) => {
    const started = performance.now();
    const remoteAddress = req.socket.remoteAddress;
    const id = randomUUID();
    req.id = id;
    res.setHeader("x-request-id", id);
    res.once("close", () => {
      const statusCode = res.statusCode;
      const finished = res.writableFinished;
      const path = pathOnly(req.originalUrl);
      const line = {
        req: { id, method: req.method, path, remoteAddress, userAgent: req.headers["user-agent"] },
        res: { statusCode: finished ? statusCode : undefined },
        responseTime: Math.round(performance.now() - started),
      };
      const message = `${req.method} ${path} ${finished ? statusCode : "aborted"}`;
      if (!finished || statusCode >= 500) lines.error(line, message);
      else lines.info(line, message);
    });
    next();
  };
}
