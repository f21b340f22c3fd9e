// The Express application every service starts from: no X-Powered-By, the
// configured proxy trust, flat query strings only (no nested objects, so no
// prototype pollution through ?a[__proto__]=), one log line per request,
// helmet's headers, and CORS for the configured origins only (never a wildcard,
// never a reflection of any origin).
import cors from "cors";
import express, { type Express } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { requestLogger } from "./logger.js";
import type { ServiceSettings } from "./settings.js";

export interface BaseAppOptions {
  settings: Pick<ServiceSettings, "trustProxy" | "corsOrigins">;
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
  app.use(helmet());
  const allowed = new Set(settings.corsOrigins);
  app.use(
    cors({
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
      credentials,
      ...(allowedHeaders ? { allowedHeaders } : {}),
      exposedHeaders: [...exposedHeaders, "x-request-id"],
      maxAge: 600,
    }),
  );
  return app;
}
