// The Express application every service starts from: no X-Powered-By, the
// configured proxy trust, flat query strings only (no nested objects, so no
// prototype pollution through ?a[__proto__]=), one log line per request,
// helmet's headers, and CORS for the configured origins only (never a wildcard,
// never a reflection of any origin).
//
// Every request pays for this chain before any route runs, so it is kept to
// four small middleware functions: the request log line, the request's
// deadline (one timer), helmet's headers (computed once: they do not depend on
// the request) and CORS (only for requests that name an origin; without one
// the cors package does nothing).
import cors from "cors";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { requestLogger } from "./logger.js";
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
  app.use(requestLogger(logger));
  app.use(requestDeadline(settings.requestTimeoutMs));
  app.use(fixedHeaders(helmet()));
  const allowed = new Set(settings.corsOrigins);
  const corsMiddleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials,
    ...(allowedHeaders ? { allowedHeaders } : {}),
    exposedHeaders: [...exposedHeaders, "x-request-id"],
    maxAge: 600,
  });
  app.use((req, res, next) => (req.headers.origin === undefined ? next() : corsMiddleware(req, res, next)));
  return app;
}

/**
 * A middleware that sets the headers `middleware` sets, recorded once at start.
 * For helmet, whose headers are the same on every response: one function
 * setting a dozen headers instead of a dozen functions in the chain.
 */
export function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let passedOn = false;
  void middleware({ headers: {} } as Parameters<RequestHandler>[0], recorder as unknown as Parameters<RequestHandler>[1], () => {
    passedOn = true;
  });
  if (!passedOn) throw new Error("fixedHeaders: the middleware did not pass the request on synchronously, so its headers cannot be recorded.");
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}


/**
 * The last resort against a request that hangs: a request with no answer
 * started within `timeoutMs` is answered 503 deadline_exceeded, with
 * Retry-After. Every dependency has a deadline of its own, shorter than this
 * (see postgres.ts, and the auth-service's Redis); this one catches what none
 * of them does. Its handler goes on to its end; errorHandler drops what it
 * sends or throws afterwards.
 */
export function requestDeadline(timeoutMs: number): RequestHandler {
  const seconds = Math.ceil(timeoutMs / 1000);
  return (_req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals[DEADLINE_ANSWERED] = true;
      sendProblem(res, new HttpProblem(503, "deadline_exceeded", `The request was not answered within ${seconds} s; try again shortly.`, { "Retry-After": "5" }));
    }, timeoutMs);
    res.once("close", () => clearTimeout(timer));
    next();
  };
}
