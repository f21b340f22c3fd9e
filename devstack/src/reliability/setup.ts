// The database server for runs outside Jest (npm run soak, npm run
// reliability): the same one the tests use (TEST_DATABASE_URL, DATABASE_URL,
// 127.0.0.1:5432, or an embedded one), with the same migrated templates.
import globalSetup from "../testing/global-setup.js";
import globalTeardown from "../testing/global-teardown.js";

export async function withTestDatabases<T>(run: () => Promise<T>): Promise<T> {
  await globalSetup();
  try {
    return await run();
  } finally {
    await globalTeardown();
  }
}
