// Prometheus metrics (prom-client) for a service: requests counted and timed
// by method, route template and status, the process's default metrics, and a
// registry the service adds its own metrics to. Every series carries a
// `service` label.
//
// Where /metrics is served (settings.ts): with METRICS_PORT, on a listener of
// its own (the usual Kubernetes pattern: the port is scraped inside the
// cluster and never published), and never on the main port; with
// METRICS_TOKEN, only to `Authorization: Bearer <METRICS_TOKEN>` (on the main
// port when there is no METRICS_PORT); with neither, nowhere, and nothing is
// collected.
//
// Route labels are Express's route templates (`/api/v1/posts/:id`), never the
// raw path: a path carries ids, and would make one series per id. A request
// that no route handled (a 404, or one refused by middleware before its route,
// such as a 415) is counted under the route "unmatched".
import { createHash, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import express, { type Express, type Request, type RequestHandler } from "express";
import type { Logger } from "pino";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { errorHandler, HttpProblem, notFound } from "./problem.js";
import type { MetricsSettings } from "./settings.js";

/** The route label of requests that no route handled. */
export const UNMATCHED_ROUTE = "unmatched";

/** Request latency buckets, in seconds: from a cached token check (~1 ms) to a slow password hash. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

const ROUTE = Symbol("authbridge.route");
const TEMPLATE = Symbol("authbridge.routeTemplate");
const LABEL = Symbol("authbridge.routeLabel");
const STARTED = Symbol("authbridge.started");

interface MarkedRequest {
  [ROUTE]?: unknown;
  [TEMPLATE]?: string;
  [LABEL]?: string;
}

export interface ServiceMetrics {
  /** The service's registry: register the service's own metrics here. */
  readonly registry: Registry;
  /**
   * The listener to open next to the service's own (METRICS_PORT), or
   * undefined when /metrics is served on the main port: pass it to
   * serviceLifecycle's start(), which opens it and closes it last.
   */
  readonly endpoint: MetricsEndpoint | undefined;
}

export interface MetricsOptions {
  /** The `service` label of every series. */
  service: string;
  settings: MetricsSettings;
  logger: Logger;
}

/** A listener the lifecycle opens next to the main one (see ServiceMetrics.endpoint). */
export interface MetricsEndpoint {
  app: Express;
  host: string;
  port: number;
}

/**
 * Instruments `app` (call it right after createBaseApp, before any route) and
 * serves /metrics as the settings say. Returns undefined when metrics are off.
 *
 * @example
 * const metrics = installMetrics(app, { service: "resource-service", settings: config.metrics, logger });
 * if (metrics) new Counter({ name: "things_total", help: "Things.", registers: [metrics.registry] });
 * // ... routes ...
 * await lifecycle.start(app, metrics?.endpoint);
 */
export function installMetrics(app: Express, options: MetricsOptions): ServiceMetrics | undefined {
  const { settings } = options;
  if (settings.port === undefined && settings.token === undefined) return undefined;

  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  const labelNames = ["method", "route", "status_code"] as const;
  const requests = new Counter({ name: "http_requests_total", help: "HTTP requests answered, by method, route template and status.", labelNames, registers: [registry] });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from the request reaching the application to the response being sent, by method, route template and status.",
    labelNames,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  captureRouteTemplates(app);
  function record(this: ServerResponse & { [STARTED]?: number }): void {
    const req = this.req as MarkedRequest & { method?: string };
    const labels = {
      method: req.method !== undefined && METHODS.has(req.method) ? req.method : "other",
      route: req[LABEL] ?? req[TEMPLATE] ?? UNMATCHED_ROUTE,
      // A response the client went away from before it was sent.
      status_code: this.writableFinished ? String(this.statusCode) : "aborted",
    };
    requests.inc(labels);
    duration.observe(labels, (performance.now() - (this[STARTED] ?? 0)) / 1000);
  }
  app.use((_req, res, next) => {
    (res as ServerResponse & { [STARTED]?: number })[STARTED] = performance.now();
    res.on("close", record);
    next();
  });

  const serve = metricsHandlers(registry, settings.token);
  if (settings.port === undefined) {
    app.get("/metrics", ...serve);
    return { registry, endpoint: undefined };
  }
  const endpoint = express();
  endpoint.disable("x-powered-by");
  endpoint.get("/metrics", ...serve);
  endpoint.use(notFound);
  endpoint.use(errorHandler(options.logger));
  return { registry, endpoint: { app: endpoint, host: settings.host, port: settings.port } };
}

/**
 * Names the route of a request where Express's own template is too coarse (a
 * wildcard mount such as `/api/auth/*splat`). The label must come from a fixed
 * set, never from the request.
 */
export function labelRoute(req: Request, route: string): void {
  (req as Request & MarkedRequest)[LABEL] = route;
}

function metricsHandlers(registry: Registry, token: string | undefined): RequestHandler[] {
  const send: RequestHandler = async (_req, res) => {
    const text = await registry.metrics();
    res.set("cache-control", "no-store").type(registry.contentType).send(text);
  };
  return token === undefined ? [send] : [requireToken(token), send];
}

/** Compares digests, so the comparison takes the same time whatever the token sent. */
function requireToken(token: string): RequestHandler {
  const expected = createHash("sha256").update(token).digest();
  return (req, _res, next) => {
    const sent = /^Bearer +(\S+)$/i.exec(req.get("authorization") ?? "")?.[1];
    if (sent === undefined || !timingSafeEqual(createHash("sha256").update(sent).digest(), expected)) {
      throw new HttpProblem(401, "unauthorized", "Reading metrics needs the metrics bearer token (METRICS_TOKEN).", {
        "WWW-Authenticate": 'Bearer realm="metrics"',
      });
    }
    next();
  };
}

/**
 * Records each request's route template when the router matches its route,
 * while `req.baseUrl` still names the router it was mounted at (by the time
 * the response is sent from an error handler, Express has restored it).
 * Defined on this app's request prototype only: Express assigns `req.route`
 * on every match, and this keeps what it assigns.
 */
function captureRouteTemplates(app: Express): void {
  Object.defineProperty(app.request, "route", {
    configurable: true,
    enumerable: true,
    get(this: Request & MarkedRequest) {
      return this[ROUTE];
    },
    set(this: Request & MarkedRequest, route: { path?: unknown } | undefined) {
      this[ROUTE] = route;
      if (route) this[TEMPLATE] = routeTemplate(this, route.path);
    },
  });
}

function routeTemplate(req: Request, path: unknown): string {
  // baseUrl is the request's own spelling of the mount path, and Express
  // matches case-insensitively: lower case, so /API/v1/PoStS cannot mint new
  // label values (our mount paths are lower case).
  const base = req.baseUrl.toLowerCase();
  if (typeof path === "string") return path === "/" && base !== "" ? base : base + path;
  if (Array.isArray(path)) {
    // app.get(["/a", "/b"], ...): the one that matched, if it is a plain path.
    const matched = path.find((candidate) => candidate === req.path);
    return typeof matched === "string" ? base + matched : path.map((candidate) => base + String(candidate)).join("|");
  }
  return base + String(path);
}
