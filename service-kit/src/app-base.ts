// The Express application every service starts from: no X-Powered-By, the
// configured proxy trust, flat query strings only (no nested objects, so no
// prototype pollution through ?a[__proto__]=), one log line per request, a
// deadline per request, helmet's headers, and CORS for the configured origins
// only (never a wildcard, never a reflection of any origin).
//
// Every request pays for this before any route runs, so it is one middleware
// (each layer of Express's router costs a match and a few allocations) with
// one 'close' listener shared by all requests: it starts the log line (with
// the request's id) and the request's deadline, sets helmet's headers (recorded
// once at start: they do not depend on the request), and runs CORS only for
// requests that name an origin (without one the cors package does nothing).
import cors from "cors";
import express, { type Express, type RequestHandler, type Response } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { requestLog } from "./logger.js";
import { DEADLINE_ANSWERED, HttpProblem, sendProblem } from "./problem.js";
import type { ServiceSettings } from "./settings.js";

export interface BaseAppOptions {
  settings: Pick<ServiceSettings, "trustProxy" | "corsOrigins" | "requestTimeoutMs">;
  logger: Logger;
  /** Whether browsers may send cookies (the auth-service) or not (bearer-token APIs). */
  credentials: boolean;
  allowedHeaders?: string[];
  exposedHeaders: string[];
}

export function createBaseApp({ settings, logger, credentials, allowedHeaders, exposedHeaders }: BaseAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", settings.trustProxy);
  app.set("query parser", "simple");
  const allowed = new Set(settings.corsOrigins);
  const corsMiddleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials,
    ...(allowedHeaders ? { allowedHeaders } : {}),
    exposedHeaders: [...exposedHeaders, "x-request-id"],
    maxAge: 600,
  });
  const headers = recordHeaders(helmet());
  const log = requestLog(logger);
  const deadline = requestDeadlines(settings.requestTimeoutMs);
  function closed(this: Response): void {
    deadline.clear(this);
    log.end(this);
  }
  app.use((req, res, next) => {
    log.begin(req, res);
    deadline.start(res);
    res.on("close", closed);
    for (const [name, value] of headers) res.setHeader(name, value);
    if (req.headers.origin === undefined) next();
    else corsMiddleware(req, res, next);
  });
  return app;
}

/**
 * The headers `middleware` sets, recorded once at start: for helmet, whose
 * headers are the same on every response. Their names are sent in lower case
 * (HTTP header names are case-insensitive; HTTP/2 requires lower case), which
 * spares Node a case conversion per header and response.
 */
export function recordHeaders(middleware: RequestHandler): ReadonlyArray<readonly [string, string]> {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name.toLowerCase(), String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let passedOn = false;
  void middleware({ headers: {} } as Parameters<RequestHandler>[0], recorder as unknown as Parameters<RequestHandler>[1], () => {
    passedOn = true;
  });
  if (!passedOn) throw new Error("recordHeaders: the middleware did not pass the request on synchronously, so its headers cannot be recorded.");
  return headers;
}

function answerLate(res: Response, seconds: number): void {
  if (res.headersSent) return;
  res.locals[DEADLINE_ANSWERED] = true;
  sendProblem(res, new HttpProblem(503, "deadline_exceeded", `The request was not answered within ${seconds} s; try again shortly.`, { "Retry-After": "5" }));
}

/**
 * The last resort against a request that hangs: a request with no answer
 * started within `timeoutMs` is answered 503 deadline_exceeded, with
 * Retry-After. Every dependency has a deadline of its own, shorter than this
 * (see postgres.ts, and the auth-service's Redis); this one catches what none
 * of them does. Its handler goes on to its end; errorHandler drops what it
 * sends or throws afterwards. `clear` it when the response closes.
 *
 * One timer for all requests, not one each (a timer per request was a
 * Timeout object, its arguments and a place in Node's timer list, made and
 * unmade on every request): every request has the same deadline, so the
 * requests in flight, kept in the order they started (a Map iterates in
 * insertion order), are due in that order too. A sweep every `tick` answers
 * those past their deadline, oldest first, and stops at the first that is
 * not. A request is answered between `timeoutMs` and `timeoutMs + tick` after
 * it started; `tick` is a tenth of the deadline, at most a second. The timer
 * runs only while requests are in flight, and never keeps the process alive.
 */
function requestDeadlines(timeoutMs: number): { start(res: Response): void; clear(res: Response): void } {
  const seconds = Math.ceil(timeoutMs / 1000);
  const tick = Math.min(1000, Math.max(10, Math.floor(timeoutMs / 10)));
  const inFlight = new Map<Response, number>();
  let sweeper: NodeJS.Timeout | undefined;
  function sweep(): void {
    const now = performance.now();
    for (const [res, due] of inFlight) {
      if (due > now) break;
      inFlight.delete(res);
      answerLate(res, seconds);
    }
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }
  return {
    start(res) {
      inFlight.set(res, performance.now() + timeoutMs);
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, tick);
        sweeper.unref();
      }
    },
    clear(res) {
      inFlight.delete(res);
    },
  };
}
