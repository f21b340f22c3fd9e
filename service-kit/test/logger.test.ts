// The request log line (logger.ts): written directly for a logger made by
// createLogger, it must be exactly the line pino writes for the same fields,
// whatever the request's path and user agent hold.
import { describe, expect, it } from "@jest/globals";
import { memoryLog, seededRandom, seededText } from "@authbridge/devstack/testing";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pino } from "pino";
import { createLogger, REDACTED_PATHS, requestLog, serializeError } from "../src/logger.js";

interface Exchange {
  url: string;
  method: string;
  userAgent: string | undefined;
  remoteAddress: string | undefined;
  status: number;
  finished: boolean;
}

/** Logs `exchange` through requestLog on `logger`; returns the line, its time and id replaced by placeholders. */
function lineOf(logger: pino.Logger, lines: string[], exchange: Exchange): string {
  const headers: Record<string, string> = exchange.userAgent === undefined ? {} : { "user-agent": exchange.userAgent };
  const req = { url: exchange.url, originalUrl: exchange.url, method: exchange.method, headers, socket: { remoteAddress: exchange.remoteAddress } } as unknown as IncomingMessage;
  const res = { req, statusCode: exchange.status, writableFinished: exchange.finished, setHeader: () => undefined } as unknown as ServerResponse;
  const log = requestLog(logger);
  log.begin(req, res);
  log.end(res);
  const line = lines.pop() ?? "";
  return line.replace(/"time":\d+/, '"time":0').replace(/"id":"[0-9a-f-]{36}"/, '"id":"<id>"').replace(/"responseTime":\d+/, '"responseTime":0');
}

/** An unpaired surrogate (paired ones are one code point to a `u` pattern). */
const LONE_SURROGATE = /\p{Cs}/gu;

/** `value` with every string's lone surrogates replaced by U+FFFD, as a UTF-8 encoder writes them. */
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return value.replace(LONE_SURROGATE, "\ufffd");
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, wellFormed(field)]));
}

function loggers() {
  const direct = memoryLog();
  const throughPino = memoryLog();
  return {
    direct: { logger: createLogger("svc", "info", direct.stream), lines: direct.lines },
    // The same options createLogger gives pino, but a logger requestLog does not know: it logs through pino.
    pino: {
      logger: pino({ level: "info", base: { service: "svc" }, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, serializers: { err: serializeError } }, throughPino.stream),
      lines: throughPino.lines,
    },
  };
}

describe("the request log line", () => {
  it.each<Exchange>([
    { url: "/api/v1/posts/1?token=secret", method: "GET", userAgent: "curl/8", remoteAddress: "127.0.0.1", status: 200, finished: true },
    { url: "/api/v1/posts", method: "POST", userAgent: undefined, remoteAddress: undefined, status: 503, finished: true },
    { url: "/api/auth/reset-password/abc123?callbackURL=x", method: "GET", userAgent: 'a "quoted" \\ agent', remoteAddress: "::1", status: 302, finished: true },
    { url: "/slow", method: "GET", userAgent: "x", remoteAddress: "::ffff:10.0.0.1", status: 200, finished: false },
  ])("is pino's line for $method $url ($status, finished: $finished)", (exchange) => {
    const { direct, pino: viaPino } = loggers();
    const line = lineOf(direct.logger, direct.lines, exchange);
    expect(line).toBe(lineOf(viaPino.logger, viaPino.lines, exchange));
    expect(line).not.toContain("secret");
    expect(line).not.toContain("abc123");
    expect(JSON.parse(line)).toEqual(expect.objectContaining({ service: "svc", req: expect.objectContaining({ method: exchange.method }) }));
  });

  it("is pino's line for 300 paths and user agents of hostile characters, and always one well-formed line of JSON", () => {
    const { direct, pino: viaPino } = loggers();
    const next = seededRandom(20261207);
    for (let index = 0; index < 300; index += 1) {
      const exchange: Exchange = { url: `/p/${seededText(next, 12)}`, method: "GET", userAgent: seededText(next, 20), remoteAddress: "127.0.0.1", status: 404, finished: true };
      const line = lineOf(direct.logger, direct.lines, exchange);
      // Pino writes a lone surrogate sometimes as it is (the UTF-8 encoder then turns it into
      // U+FFFD), sometimes escaped (\ud800); the direct line always escapes it. Equal otherwise.
      expect(wellFormed(JSON.parse(line))).toEqual(wellFormed(JSON.parse(lineOf(viaPino.logger, viaPino.lines, exchange))));
      expect(line.indexOf("\n")).toBe(line.length - 1);
      expect(line).not.toMatch(LONE_SURROGATE);
    }
  });

  it("writes nothing at a level that leaves out info, and still the errors", () => {
    const quiet = memoryLog();
    const logger = createLogger("svc", "warn", quiet.stream);
    lineOf(logger, quiet.lines, { url: "/ok", method: "GET", userAgent: undefined, remoteAddress: undefined, status: 200, finished: true });
    expect(quiet.lines).toEqual([]);
    const line = lineOf(logger, quiet.lines, { url: "/boom", method: "GET", userAgent: undefined, remoteAddress: undefined, status: 500, finished: true });
    expect(JSON.parse(line)).toEqual(expect.objectContaining({ level: 50, msg: "GET /boom 500" }));
  });
});
