// The Express application, built from its parts and never listening itself
// (tests wrap it in supertest or listen on an ephemeral port).
import {
  acceptBodies,
  createBaseApp,
  databaseUnavailable,
  errorHandler,
  formBody,
  healthRoutes,
  installMetrics,
  jsonBody,
  notFound,
  refuseUnstorableText,
  requestBodies,
  type MetricsEndpoint,
} from "@authbridge/service-kit";
import type { Express } from "express";
import type { Logger } from "pino";
import { ACCESS_TOKEN_CLAIMS } from "./auth/claims.js";
import type { Auth } from "./auth/better-auth.js";
import { betterAuthHandler, tokenHandler } from "./auth/handler.js";
import type { AuthServiceConfig } from "./config.js";
import type { Database } from "./db.js";
import { discoveryRoutes } from "./discovery.js";
import { jwksRoutes } from "./keys/routes.js";
import type { SigningKeys } from "./keys/signing-keys.js";
import { AUTH_BASE_PATH, SIGN_IN_PATH, SIGN_UP_PATH, TOKEN_PATH } from "./auth/paths.js";
import { authServiceMetrics } from "./http/metrics.js";
import { signingUnavailable } from "./http/problems.js";
import { credentialRateLimit } from "./http/rate-limit.js";
import type { SharedLimits } from "./redis.js";

export interface AppParts {
  config: AuthServiceConfig;
  db: Database;
  auth: Auth;
  signingKeys: SigningKeys;
  logger: Logger;
  limits: SharedLimits | undefined;
  isShuttingDown: () => boolean;
}

/** The largest request body the auth endpoints accept (sign-up is a few hundred bytes). */
export const BODY_LIMIT = 16 * 1024;


/** The app, and the metrics listener to open beside it (METRICS_PORT; see service-kit's installMetrics). */
export function createApp({ config, db, auth, signingKeys, logger, limits, isShuttingDown }: AppParts): { app: Express; metricsEndpoint: MetricsEndpoint | undefined } {
  const app = createBaseApp({
    settings: config,
    logger,
    // Better Auth's session is a cookie: credentials on, for the configured origins only.
    credentials: true,
    exposedHeaders: ["set-auth-jwt", "retry-after"],
  });

  const metrics = installMetrics(app, { service: "auth-service", settings: config.metrics, logger });
  const authMetrics = metrics && authServiceMetrics(metrics.registry, Object.values(auth.api));

  healthRoutes(app, { isReady: () => db.isReachable(), isShuttingDown });
  app.use(discoveryRoutes(config, ACCESS_TOKEN_CLAIMS));
  app.use(jwksRoutes(signingKeys, config.jwksMaxAgeSeconds));

  if (authMetrics) app.use(AUTH_BASE_PATH, authMetrics.labelRoutes);
  const onLimited = authMetrics?.limited;
  const credentialLimit = limits
    ? limits.expressLimiter("credentials:", (store) => credentialRateLimit({ ...config.rateLimit, store, logger, onLimited }))
    : credentialRateLimit({ ...config.rateLimit, onLimited });
  app.post([SIGN_IN_PATH, SIGN_UP_PATH], credentialLimit);
  app.get(TOKEN_PATH, tokenHandler(auth, authMetrics?.answered));
  app.all(
    `${AUTH_BASE_PATH}/*splat`,
    // A body of any other type would reach Better Auth unparsed and unbounded.
    requestBodies(acceptBodies(["application/json", "application/x-www-form-urlencoded"]), ...jsonBody(BODY_LIMIT), ...formBody(BODY_LIMIT)),
    // NUL or a lone surrogate in what Better Auth would store or look up fails its query (a 500).
    refuseUnstorableText,
    betterAuthHandler(auth, config.baseUrl, authMetrics?.answered),
  );

  app.use(notFound);
  app.use(errorHandler(logger, [databaseUnavailable, signingUnavailable]));
  return { app, metricsEndpoint: metrics?.endpoint };
}
