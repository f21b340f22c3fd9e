// Jest globalSetup shared by every package: finds (or starts) the test
// PostgreSQL server and prepares the template databases. What the suites need
// is passed on in environment variables, which Jest's workers inherit.
import { serviceDatabases } from "../databases.js";
import { resolveTestServer } from "./test-server.js";
import { ensureTemplate } from "./templates.js";
import type { PostgresServer } from "../postgres-server.js";

export const ADMIN_URL_ENV = "AUTHBRIDGE_TEST_ADMIN_URL";
export const templateEnv = (service: string) => `AUTHBRIDGE_TEST_TEMPLATE_${service.replace(/\W/g, "_").toUpperCase()}`;

declare global {
  var __authbridgeTestServer: PostgresServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const server = await resolveTestServer(log);
  globalThis.__authbridgeTestServer = server;
  process.env[ADMIN_URL_ENV] = server.adminUrl;
  for (const db of serviceDatabases) {
    process.env[templateEnv(db.service)] = await ensureTemplate(server.adminUrl, db);
  }
}
