export { createTestDatabase, type TestDatabase } from "./database.js";
export { configErrorMessage, expectProblem, freePort } from "./http.js";
export { memoryLog } from "./logs.js";
export { metricsDelta, metricValue, parseMetrics, scrapeMetrics, type Sample } from "./metrics.js";
export { signedInCookie, startService, startServices, type RunningService, type RunningServices } from "./services.js";
export { CuttableProxy, proxiedDatabase } from "./cuttable-proxy.js";
export { HOSTILE_CHARACTERS, rawRequest, seededBytes, seededRandom, seededText, UNSTORABLE } from "./hostile.js";
export { forkService, stopService } from "../service-process.js";
export { eventually } from "./eventually.js";
