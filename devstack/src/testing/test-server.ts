// Which PostgreSQL server the tests use, decided once per test run:
// TEST_DATABASE_URL or DATABASE_URL when set (any database on the server: it is
// used only to create and drop the tests' own databases), else the server on
// 127.0.0.1:5432 when one answers, else an embedded server under .data/.
import { isListening, portFromEnv, resolvePostgres, type PostgresServer } from "../postgres-server.js";

export async function resolveTestServer(log: (line: string) => void): Promise<PostgresServer> {
  const explicit = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (explicit) return resolvePostgres({ url: explicit, embeddedDir: "", embeddedPort: 0 });
  if (await isListening("127.0.0.1", 5432)) {
    return resolvePostgres({ url: "postgres://postgres@127.0.0.1:5432/postgres", embeddedDir: "", embeddedPort: 0 });
  }
  log("No PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one for the tests.");
  return resolvePostgres({
    embeddedDir: process.env.EMBEDDED_POSTGRES_TEST_DIR ?? ".data/test-postgres",
    embeddedPort: portFromEnv("EMBEDDED_POSTGRES_TEST_PORT", 15433),
    log,
  });
}
