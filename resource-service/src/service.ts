// The resource-service as one object: database, token verifier, Express app
// and a listen/close lifecycle. server.ts wires it to the process; tests start
// it on an ephemeral port.
import { createLogger, serviceLifecycle, type RunnableService } from "@authbridge/service-kit";
import { createVerifier, type Verifier } from "@authbridge/verifier";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import type { ResourceServiceConfig } from "./config.js";
import { createDatabase, type Database } from "./db.js";

export interface ResourceService extends RunnableService {
  config: ResourceServiceConfig;
  db: Database;
  verifier: Verifier;
  app: ReturnType<typeof createApp>;
}

export function createVerifierFromConfig(config: ResourceServiceConfig, logger: Logger): Verifier {
  const { auth } = config;
  return createVerifier({
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: auth.algorithms,
    clockToleranceSeconds: auth.clockToleranceSeconds,
    ...(auth.maxTokenAgeSeconds !== undefined ? { maxTokenAgeSeconds: auth.maxTokenAgeSeconds } : {}),
    ...(auth.jwksUri !== undefined ? { jwksUri: auth.jwksUri } : {}),
    cacheSize: auth.cacheSize,
    keys: auth.jwks,
    logger: logger.child({ component: "jwks" }),
  });
}

export function createResourceService(
  config: ResourceServiceConfig,
  logger: Logger = createLogger("resource-service", config.logLevel),
): ResourceService {
  const db = createDatabase(config.databaseUrl);
  const verifier = createVerifierFromConfig(config, logger);
  const lifecycle = serviceLifecycle({ listen: config, release: () => db.$disconnect() });
  const app = createApp({ config, db, verifier, logger, isShuttingDown: lifecycle.isShuttingDown });
  return { config, db, verifier, logger, app, listen: () => lifecycle.start(app), close: lifecycle.close };
}
