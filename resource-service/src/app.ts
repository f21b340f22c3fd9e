// The resource-service's Express application, built from its parts and never
// listening itself.
import { acceptBodies, createBaseApp, databaseUnavailable, errorHandler, healthRoutes, installMetrics, jsonBody, notFound, requestBodies, type MetricsEndpoint } from "@authbridge/service-kit";
import type { Verifier } from "@authbridge/verifier";
import { optionalAuth, requireAuth } from "@authbridge/verifier/express";
import type { Express } from "express";
import type { Logger } from "pino";
import type { ResourceServiceConfig } from "./config.js";
import type { Database } from "./db.js";
import { authMetrics } from "./http/auth-metrics.js";
import { authProblems } from "./http/auth-problems.js";
import { mountFeature } from "./http/operations.js";
import { features } from "./features.js";
import { openApiRoute } from "./openapi/router.js";
import { moderationRepository } from "./moderation/repository.js";
import { moderationService } from "./moderation/service.js";
import { postRepository } from "./posts/repository.js";
import { postService } from "./posts/service.js";
import { userRepository } from "./users/repository.js";
import { userService } from "./users/service.js";

export interface AppParts {
  config: ResourceServiceConfig;
  db: Database;
  verifier: Verifier;
  logger: Logger;
  isShuttingDown: () => boolean;
}

/** The largest JSON body accepted, in bytes (a post body is at most 20,000 characters). */
export const BODY_LIMIT = 64 * 1024;

/** The app, and the metrics listener to open beside it (METRICS_PORT; see service-kit's installMetrics). */
export function createApp({ config, db, verifier, logger, isShuttingDown }: AppParts): { app: Express; metricsEndpoint: MetricsEndpoint | undefined } {
  const app = createBaseApp({
    settings: config,
    logger,
    // Bearer tokens, not cookies: no credentials mode.
    credentials: false,
    allowedHeaders: ["authorization", "content-type"],
    exposedHeaders: ["www-authenticate", "location", "retry-after"],
  });

  const metrics = installMetrics(app, { service: "resource-service", settings: config.metrics, logger });
  if (metrics) authMetrics(metrics.registry, verifier);

  healthRoutes(app, { isReady: () => db.isReachable(), isShuttingDown });
  app.get("/openapi.json", openApiRoute(config));

  // Every route authenticates through these; the route table adds each auth mode's caching (http/cache.ts).
  const authenticators = { required: requireAuth(verifier), optional: optionalAuth(verifier) };
  const users = userService(userRepository(db));
  const postRecords = postRepository(db);
  const posts = postService(postRecords, users);
  const moderation = moderationService(moderationRepository(db), postRecords);
  // Read by the operations that take a body, in their route (http/operations.ts).
  const bodies = requestBodies(acceptBodies(["application/json"]), ...jsonBody(BODY_LIMIT));
  const requirements = { verifiedEmailForWrites: config.auth.requireVerifiedEmailForWrites };
  for (const feature of features) mountFeature(app, feature, { posts, users, moderation }, { authenticators, bodies, requirements });

  app.use(notFound);
  app.use(errorHandler(logger, [authProblems(config.auth.realm), databaseUnavailable]));
  return { app, metricsEndpoint: metrics?.endpoint };
}
