// The auth-service's entry point: validate configuration, start, and shut down
// gracefully on SIGTERM or SIGINT (or when the stack that spawned us goes away).
import { runMain } from "@authbridge/service-kit";
import { loadConfig } from "./config.js";
import { createAuthService } from "./service.js";

runMain("auth-service", () => createAuthService(loadConfig()));
