export { createTestDatabase, type TestDatabase } from "./database.js";
export { configErrorMessage, expectProblem, freePort } from "./http.js";
export { memoryLog } from "./logs.js";
export { CuttableProxy, proxiedDatabase } from "./cuttable-proxy.js";
