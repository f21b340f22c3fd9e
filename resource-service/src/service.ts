// The resource-service as one object: database, token verifier, Express app
// and a listen/close lifecycle. server.ts wires it to the process; tests start
// it on an ephemeral port.
import { createLogger, serviceLifecycle, type RunnableService } from "@authbridge/service-kit";
import { createVerifier, type Verifier } from "@authbridge/verifier";
import { redisRevocations, type RevocationFeed } from "@authbridge/verifier/revocation";
import type { Express } from "express";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import type { ResourceServiceConfig } from "./config.js";
import { createDatabase, type Database } from "./db.js";

export interface ResourceService extends RunnableService {
  config: ResourceServiceConfig;
  db: Database;
  verifier: Verifier;
  /** The session revocation feed, when AUTH_REVOCATION_REDIS_URL is set. */
  revocations: RevocationFeed | undefined;
  app: Express;
}

export function createVerifierFromConfig(config: ResourceServiceConfig, logger: Logger, revocations?: RevocationFeed): Verifier {
  const { auth } = config;
  return createVerifier({
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: auth.algorithms,
    acceptUntypedTokens: auth.acceptUntypedTokens,
    clockToleranceSeconds: auth.clockToleranceSeconds,
    ...(auth.maxTokenAgeSeconds !== undefined ? { maxTokenAgeSeconds: auth.maxTokenAgeSeconds } : {}),
    ...(auth.jwksUri !== undefined ? { jwksUri: auth.jwksUri } : {}),
    cacheSize: auth.cacheSize,
    ...(revocations ? { isRevoked: revocations.isRevoked } : {}),
    keys: auth.jwks,
    logger: logger.child({ component: "jwks" }),
  });
}

export function createResourceService(
  config: ResourceServiceConfig,
  logger: Logger = createLogger("resource-service", config.logLevel),
): ResourceService {
  const db = createDatabase(config.databaseUrl, config.database);
  const { revocations: feed } = config.auth;
  const revocations = feed && redisRevocations({ ...feed, clockToleranceSeconds: config.auth.clockToleranceSeconds, logger: logger.child({ component: "revocations" }) });
  const verifier = createVerifierFromConfig(config, logger, revocations);
  if (config.auth.acceptUntypedTokens) {
    logger.warn(
      "AUTH_ACCEPT_UNTYPED_TOKENS is on: tokens without a typ header are accepted. Turn it off once every auth-service instance types its tokens (at+jwt) and one token lifetime has passed.",
    );
  }
  const lifecycle = serviceLifecycle({
    listen: config,
    // Loads the revocations in force before the first request (at most 2 s;
    // the feed goes on connecting in the background if Redis is away).
    beforeListen: async () => {
      await revocations?.connect();
    },
    release: async () => {
      await revocations?.close();
      await db.close();
    },
  });
  const { app, metricsEndpoint } = createApp({ config, db, verifier, logger, isShuttingDown: lifecycle.isShuttingDown });
  return { config, db, verifier, revocations, logger, app, listen: () => lifecycle.start(app, metricsEndpoint), close: lifecycle.close };
}
