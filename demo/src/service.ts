// The demo server as one object: build the page, listen, close.
import { createLogger, serviceLifecycle, type RunnableService } from "@authbridge/service-kit";
import type { Logger } from "pino";
import { createDemoApp } from "./app.js";
import { buildPage } from "./bundle.js";
import type { DemoConfig } from "./config.js";

export function createDemoService(config: DemoConfig, logger: Logger = createLogger("demo", config.logLevel)): RunnableService {
  const lifecycle = serviceLifecycle({ listen: config, release: async () => undefined });
  return {
    logger,
    async listen() {
      const page = await buildPage();
      return lifecycle.start(createDemoApp({ config, page, logger }));
    },
    close: lifecycle.close,
  };
}
