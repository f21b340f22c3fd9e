export { createTestDatabase, type TestDatabase } from "./database.js";
export { expectProblem, freePort } from "./http.js";
export { CuttableProxy, proxiedDatabase } from "./cuttable-proxy.js";
