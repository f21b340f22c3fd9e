// The auth-service as one object: its database, Better Auth, the Express app,
// and a listen/close lifecycle with graceful shutdown. server.ts wires it to
// the process; tests start it on an ephemeral port.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { createAuth, type Auth } from "./auth/better-auth.js";
import { createKeyStore } from "./keys/key-store.js";
import { createSigningKeys, type SigningKeys } from "./keys/signing-keys.js";
import type { AuthServiceConfig } from "./config.js";
import { createDatabase, type Database } from "./db.js";
import { createLogger } from "./logger.js";

export interface AuthService {
  config: AuthServiceConfig;
  db: Database;
  auth: Auth;
  signingKeys: SigningKeys;
  logger: Logger;
  app: ReturnType<typeof createApp>;
  /** Starts listening; resolves with the URL it listens on. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the pool. */
  close(): Promise<void>;
}

export function createAuthService(config: AuthServiceConfig, logger: Logger = createLogger(config.logLevel)): AuthService {
  const db = createDatabase(config.databaseUrl);
  const signingKeys = createSigningKeys({ store: createKeyStore(db), secret: config.secret, algorithm: config.jwt.algorithm });
  const auth = createAuth(config, db, signingKeys, logger);
  let shuttingDown = false;
  const app = createApp({ config, db, auth, signingKeys, logger, isShuttingDown: () => shuttingDown });
  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  async function ensureSigningKey(): Promise<void> {
    // Creating the first key before the first request avoids two concurrent
    // first requests creating two keys.
    try {
      await signingKeys.ensureKey();
    } catch (error: unknown) {
      logger.warn({ err: error }, "could not load the signing keys at start; they will be loaded on first use");
    }
  }

  return {
    config,
    db,
    auth,
    signingKeys,
    logger,
    app,
    async listen() {
      await ensureSigningKey();
      const listening = app.listen(config.port, config.host);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once("listening", resolve);
        listening.once("error", reject);
      });
      listening.headersTimeout = 15_000;
      listening.requestTimeout = 30_000;
      const { port } = listening.address() as AddressInfo;
      const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
      return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        if (server) {
          const current = server;
          const drained = new Promise<void>((resolve) => current.close(() => resolve()));
          // Keep-alive connections become idle as their last response finishes:
          // close them as they do, instead of waiting for the keep-alive timeout.
          const sweep = setInterval(() => current.closeIdleConnections(), 50);
          const deadline = setTimeout(() => current.closeAllConnections(), config.shutdownTimeoutMs);
          await drained;
          clearInterval(sweep);
          clearTimeout(deadline);
        }
        await db.$disconnect();
      })();
      return closing;
    },
  };
}
