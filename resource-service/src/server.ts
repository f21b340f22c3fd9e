// The resource-service's entry point.
import { runMain } from "@authbridge/service-kit";
import { loadConfig } from "./config.js";
import { createResourceService } from "./service.js";

runMain("resource-service", () => createResourceService(loadConfig()));
