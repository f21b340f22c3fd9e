// Structured logs with pino: one line per request. Credentials never reach a
// log line: request logs carry no headers but a few harmless ones, the query
// string is dropped (some flows put tokens in query strings), and any
// field that could hold a secret is redacted wherever it appears.
import { randomUUID } from "node:crypto";
import { pino, type Logger } from "pino";
import type { IncomingMessage, ServerResponse } from "node:http";
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
  const stream = destination ?? pino.destination({ dest: 1, sync: false });
  const logger = pino(options, stream);
  rawLines.set(logger, { stream, bindings: `,"service":${JSON.stringify(service)}` });
  return logger;
}

/**
 * Where a logger made by createLogger writes, and the fields it adds to every
 * line: requestLog writes its lines there itself, in the logger's format.
 */
const rawLines = new WeakMap<Logger, { stream: pino.DestinationStream; bindings: string }>();

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

/** What a request's log line needs from its start: kept on the response until it closes. */
const LINE = Symbol("authbridge.requestLine");

interface LineStart {
  started: number;
  /** Read at the start: once the socket is closed, Node can no longer say. */
  remoteAddress: string | undefined;
}

type Tracked = ServerResponse & { [LINE]?: LineStart };

/**
 * One log line per request, when its response is finished or the connection
 * closed before it could be: id, method, path (no query string), client
 * address and user agent, status and time taken. Nothing else about the
 * request is read, so no header or body can leak into a line. The lines are
 * built from those fields alone and logged without the redaction pass the
 * service's other lines go through.
 *
 * `begin` gives the request its id (also sent back as X-Request-Id) at its
 * start; `end` writes its line from its response's 'close'. Split so that the
 * base app's one 'close' listener (app-base.ts) can end the line and the
 * request's deadline together.
 */
export function requestLog(logger: Logger): { begin(req: IncomingMessage, res: ServerResponse): void; end(res: ServerResponse): void } {
  const lines = logger.child({}, { redact: [] });
  // A logger made by createLogger gets its lines written directly (requestLine); any other, through pino.
  const raw = rawLines.get(logger);
  return {
    begin(req, res) {
      const id = randomUUID();
      req.id = id;
      res.setHeader("x-request-id", id);
      (res as Tracked)[LINE] = { started: performance.now(), remoteAddress: req.socket.remoteAddress };
    },
    end(res) {
      const start = (res as Tracked)[LINE];
      if (!start) return;
      const req = res.req as IncomingMessage & { originalUrl?: string };
      const finished = res.writableFinished;
      const level = !finished || res.statusCode >= 500 ? "error" : "info";
      if (!lines.isLevelEnabled(level)) return;
      const path = pathOnly(req.originalUrl ?? req.url);
      const fields: RequestLineFields = {
        id: req.id ?? "",
        method: req.method ?? "",
        path,
        remoteAddress: start.remoteAddress,
        userAgent: req.headers["user-agent"],
        statusCode: finished ? res.statusCode : undefined,
        responseTime: Math.round(performance.now() - start.started),
      };
      const message = `${fields.method} ${path} ${finished ? res.statusCode : "aborted"}`;
      if (raw) raw.stream.write(requestLine(lines.levels.values[level] ?? 30, Date.now(), raw.bindings, fields, message));
      else lines[level](pinoFields(fields), message);
    },
  };
}

interface RequestLineFields {
  id: string;
  method: string;
  path: string;
  remoteAddress: string | undefined;
  userAgent: string | undefined;
  /** Undefined when the client left before the answer. */
  statusCode: number | undefined;
  responseTime: number;
}

/** The fields as the object pino logs (an undefined field is left out of the line). */
function pinoFields(fields: RequestLineFields) {
  return {
    req: { id: fields.id, method: fields.method, path: fields.path, remoteAddress: fields.remoteAddress, userAgent: fields.userAgent },
    res: { statusCode: fields.statusCode },
    responseTime: fields.responseTime,
  };
}

const quoted = JSON.stringify;

/**
 * The line pino writes for `pinoFields(fields)` and `message` at `level`
 * (test/logger.test.ts holds the two to the same text), built directly: a
 * request's line is written on every request, and pino's general path (its
 * serializers, hooks and stringifier for any object) costs more than the rest
 * of a short request's logging.
 */
function requestLine(level: number, time: number, bindings: string, fields: RequestLineFields, message: string): string {
  const remoteAddress = fields.remoteAddress === undefined ? "" : `,"remoteAddress":${quoted(fields.remoteAddress)}`;
  const userAgent = fields.userAgent === undefined ? "" : `,"userAgent":${quoted(fields.userAgent)}`;
  const status = fields.statusCode === undefined ? "" : `"statusCode":${fields.statusCode}`;
  return `{"level":${level},"time":${time}${bindings},"req":{"id":${quoted(fields.id)},"method":${quoted(fields.method)},"path":${quoted(fields.path)}${remoteAddress}${userAgent}},"res":{${status}},"responseTime":${fields.responseTime},"msg":${quoted(message)}}\n`;
}

/** requestLog as a middleware of its own, for an app that is not built on createBaseApp. */
export function requestLogger(logger: Logger): RequestHandler {
  const log = requestLog(logger);
  function ended(this: ServerResponse): void {
    log.end(this);
  }
  return (req, res, next) => {
    log.begin(req, res);
    res.on("close", ended);
    next();
  };
}
