export { createTestDatabase, type TestDatabase } from "./database.js";
export { expectProblem, freePort } from "./http.js";
