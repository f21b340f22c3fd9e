// Test helpers: a real resource-service on an ephemeral port and its own
// database, trusting a test issuer (real keys, real JWKS over HTTP).
import { createTestDatabase, memoryLog, type TestDatabase } from "@authbridge/devstack/testing";
import { createLogger } from "@authbridge/service-kit";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { loadConfig } from "../src/config.js";
import { createResourceService, type ResourceService } from "../src/service.js";

export { expectProblem, freePort } from "@authbridge/devstack/testing";

export const AUDIENCE = "http://localhost:4001";

export interface RunningResourceService {
  url: string;
  service: ResourceService;
  database: TestDatabase;
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the resource-service on an ephemeral port, on a database of its own (or `database`, which the caller drops). */
export async function startResourceService(issuer: { issuer: string }, env: Record<string, string> = {}, database?: TestDatabase): Promise<RunningResourceService> {
  const db = database ?? (await createTestDatabase("resource-service"));
  const { lines: logs, stream: sink } = memoryLog();
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: AUDIENCE,
    LOG_LEVEL: "info",
    ...env,
  });
  const service = createResourceService(config, createLogger("resource-service", config.logLevel, sink));
  const url = await service.listen();
  return {
    url,
    service,
    database: db,
    logs,
    async stop() {
      await service.close();
      if (!database) await db.drop();
    },
  };
}

/** A test issuer plus a resource-service trusting it. */
export async function startPair(env: Record<string, string> = {}, issuerOptions: { jwksMaxAgeSeconds?: number } = {}) {
  const issuer = await startTestIssuer({ audience: AUDIENCE, ...issuerOptions });
  const api = await startResourceService(issuer, env);
  return {
    issuer,
    api,
    async stop() {
      await api.stop();
      await issuer.stop();
    },
  };
}

export type Pair = Awaited<ReturnType<typeof startPair>>;

/** fetch against the API with an optional bearer token and JSON body. */
export function call(
  api: { url: string },
  path: string,
  init: { method?: string; token?: string | undefined; json?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.json !== undefined) headers["content-type"] = "application/json";
  return fetch(`${api.url}${path}`, {
    method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
}

export type { TestIssuer };
