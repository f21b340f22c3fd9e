export { repoRoot, serviceDatabase, serviceDatabases, withDatabase, type ServiceDatabase } from "./databases.js";
export { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from "./embedded-postgres.js";
export { committedMigrations, deployMigrations, dropDatabase, ensureDatabase, migrateIfPending, migrateNewDatabase, pendingMigrations } from "./migrations.js";
export { isListening, portFromEnv, resolvePostgres, type PostgresServer } from "./postgres-server.js";
export { forkService, nodeArgsFor, packageEntry, stopService, type ForkOptions, type ServiceExit, type ServiceName } from "./service-process.js";
