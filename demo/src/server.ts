// The demo server's entry point (npm start runs it as part of the stack).
import { runMain } from "@authbridge/service-kit";
import { loadConfig } from "./config.js";
import { createDemoService } from "./service.js";

runMain("demo", () => createDemoService(loadConfig()));
