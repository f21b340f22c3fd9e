// The auth-service as one object: its database, Better Auth, the Express app,
// and a listen/close lifecycle with graceful shutdown. server.ts wires it to
// the process; tests start it on an ephemeral port.
import { createLogger, serviceLifecycle, type RunnableService } from "@authbridge/service-kit";
import type { Express } from "express";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { createAuth, type Auth } from "./auth/better-auth.js";
import { recordDatabaseFailure } from "./auth/dependency-failures.js";
import { createKeyStore } from "./keys/key-store.js";
import { createSigningKeys, signingKeysOptions, type SigningKeys } from "./keys/signing-keys.js";
import type { AuthServiceConfig } from "./config.js";
import { createDatabase, type Database } from "./db.js";
import { createMailOutbox } from "./mail/index.js";
import { connectRedis, createSharedLimits } from "./redis.js";
import { revocationPublisher } from "./sessions/revocations.js";
import { redisSecondaryStorage } from "./sessions/secondary-storage.js";

export interface AuthService extends RunnableService {
  config: AuthServiceConfig;
  db: Database;
  auth: Auth;
  signingKeys: SigningKeys;
  app: Express;
}

export function createAuthService(config: AuthServiceConfig, logger: Logger = createLogger("auth-service", config.logLevel)): AuthService {
  // Every "database unavailable" failure marks the request it happened in (see auth/dependency-failures.ts).
  const db = createDatabase(config.databaseUrl, config.database, recordDatabaseFailure);
  const signingKeys = createSigningKeys({ ...signingKeysOptions(config, createKeyStore(db)), logger });
  // Scheduled rotation happens even without traffic: the next key is created
  // (and published) on time.
  let rotationTimer: NodeJS.Timeout | undefined;
  const redis = config.redis ? connectRedis(config.redis.url, config.redis.keyPrefix, logger, config.redis.commandTimeoutMs) : undefined;
  const shared = redis && {
    limits: createSharedLimits(redis),
    sessionCache: redisSecondaryStorage(redis, logger),
    revocations: revocationPublisher(redis, logger, { tokenLifetimeSeconds: config.jwt.expiresInSeconds }),
  };
  const limits = shared?.limits;
  // Mail goes out from a table in the service's database (mail/outbox.ts); none without SMTP.
  const outbox = createMailOutbox(config, db, logger);
  const auth = createAuth(config, db, signingKeys, logger, shared, outbox);
  const lifecycle = serviceLifecycle({
    listen: config,
    // Creating the first key before the first request avoids two concurrent
    // first requests creating two keys.
    beforeListen: async () => {
      await redis?.connect();
      const ready = await signingKeys.ensureKey().then(
        () => true,
        (error: unknown) => {
          logger.warn({ err: error }, "could not load the signing keys at start; they will be loaded on first use");
          return false;
        },
      );
      // A secret that cannot decrypt the signing key stops the start (and a
      // rolling deploy) here, instead of failing every token request later.
      if (ready) await signingKeys.checkSecrets();
      rotationTimer = setInterval(() => {
        signingKeys.ensureKey().catch((error: unknown) => logger.warn({ err: error }, "the scheduled key check failed; it runs again in a minute"));
      }, 60_000);
      rotationTimer.unref();
      outbox?.start();
    },
    release: async () => {
      clearInterval(rotationTimer);
      await outbox?.close();
      shared?.sessionCache.close();
      shared?.revocations.close();
      await redis?.close();
      await db.close();
    },
  });
  const { app, metricsEndpoint } = createApp({ config, db, auth, signingKeys, logger, limits, isShuttingDown: lifecycle.isShuttingDown });
  return { config, db, auth, signingKeys, logger, app, listen: () => lifecycle.start(app, metricsEndpoint), close: lifecycle.close };
}
