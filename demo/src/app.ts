// The demo's web server: the page, its script and style, and /config.json,
// which tells the page where the services are. A Content-Security-Policy
// lets the page run only its own script and talk only to those services.
import { errorHandler, HttpProblem, notFound, requestLogger } from "@authbridge/service-kit";
import express, { type Express, type Response } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { PageAssets } from "./bundle.js";
import type { DemoConfig } from "./config.js";
import type { PageConfig } from "./page/config.js";

export function createDemoApp({ config, page, logger }: { config: DemoConfig; page: PageAssets; logger: Logger }): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(requestLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'", config.authUrl, config.apiUrl],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );

  const pageConfig: PageConfig = {
    authUrl: config.authUrl,
    apiUrl: config.apiUrl,
    renewBeforeSeconds: config.renewBeforeSeconds,
    ...(config.inboxUrl ? { inboxUrl: config.inboxUrl } : {}),
  };
  const send = (res: Response, type: string, body: string) => res.set("cache-control", "no-cache").type(type).send(body);
  app.get("/", (_req, res) => send(res, "html", page.html));
  app.get("/app.js", (_req, res) => send(res, "text/javascript", page.js));
  app.get("/app.js.map", (_req, res) => send(res, "application/json", page.sourceMap));
  app.get("/styles.css", (_req, res) => send(res, "css", page.css));
  app.get("/config.json", (_req, res) => send(res, "json", JSON.stringify(pageConfig)));
  app.get("/healthz", (_req, res) => void res.set("cache-control", "no-store").json({ status: "ok" }));
  app.all("/{*path}", (req, _res, next) => {
    if (req.method === "GET" || req.method === "HEAD") notFound(req, _res, next);
    else next(new HttpProblem(405, "method_not_allowed", "This server only serves the demo page: GET and HEAD only.", { Allow: "GET, HEAD" }));
  });
  app.use(errorHandler(logger));
  return app;
}
