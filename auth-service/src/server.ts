// The auth-service's entry point: validate configuration, start, and shut down
// gracefully on SIGTERM or SIGINT (or when the stack that spawned us goes away).
import { ConfigError, loadConfig } from "./config.js";
import { createAuthService } from "./service.js";

function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const service = createAuthService(config);
  const { logger } = service;

  const shutdown = (reason: string) => {
    logger.info({ reason }, "shutting down");
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  // Spawned by the dev stack with an IPC channel: if the stack dies, so do we.
  if (process.send) process.once("disconnect", () => shutdown("parent exited"));

  service.listen().then(
    (url) => {
      logger.info({ url }, `auth-service listening on ${url}`);
      process.send?.({ type: "ready", url });
    },
    (error: unknown) => {
      logger.fatal({ err: error }, "auth-service failed to start");
      process.exit(1);
    },
  );
}

main();
