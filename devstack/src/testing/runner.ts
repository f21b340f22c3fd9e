// The test helpers a program outside Jest can use (the reliability runners,
// `npm run reliability` and `npm run soak`): the same database server and
// migrated templates as the tests, databases of their own, free ports. Nothing
// here imports @jest/globals, which throws outside a Jest run.
import globalSetup from "./global-setup.js";
import globalTeardown from "./global-teardown.js";

export { createTestDatabase, type TestDatabase } from "./database.js";
export { freePort } from "./ports.js";

/**
 * Runs `run` with the test database server set up as Jest's globalSetup would
 * (TEST_DATABASE_URL, DATABASE_URL, 127.0.0.1:5432, or an embedded one), and
 * stops what it started afterwards.
 */
export async function withTestDatabases<T>(run: () => Promise<T>): Promise<T> {
  await globalSetup();
  try {
    return await run();
  } finally {
    await globalTeardown();
  }
}
