// Which PostgreSQL server the tests use, decided once per test run:
// TEST_DATABASE_URL or DATABASE_URL when set (any database on the server: it is
// used only to create and drop the tests' own databases), else the server on
// 127.0.0.1:5432 when one answers, else an embedded server under .data/.
// TEST_POSTGRES=embedded forces the embedded server (to check that path).
import { isListening, portFromEnv, resolvePostgres, type PostgresServer } from "../postgres-server.js";

export async function resolveTestServer(log: (line: string) => void): Promise<PostgresServer> {
  const forceEmbedded = process.env.TEST_POSTGRES === "embedded";
  const explicit = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (explicit && !forceEmbedded) return resolvePostgres({ url: explicit, embeddedDir: "", embeddedPort: 0 });
  if (!forceEmbedded && (await isListening("127.0.0.1", 5432))) {
    return resolvePostgres({ url: "postgres://postgres@127.0.0.1:5432/postgres", embeddedDir: "", embeddedPort: 0 });
  }
  log(forceEmbedded ? "TEST_POSTGRES=embedded: starting an embedded PostgreSQL for the tests." : "No PostgreSQL on 127.0.0.1:5432 and no DATABASE_URL: starting an embedded one for the tests.");
  return resolvePostgres({
    embeddedDir: process.env.EMBEDDED_POSTGRES_TEST_DIR ?? ".data/test-postgres",
    embeddedPort: portFromEnv("EMBEDDED_POSTGRES_TEST_PORT", 15433),
    log,
  });
}
