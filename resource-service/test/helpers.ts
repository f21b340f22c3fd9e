// Test helpers: a real resource-service on an ephemeral port and its own
// database, trusting a test issuer (real keys, real JWKS over HTTP).
//
// Every response a test gets from a resource-service started here is checked
// against the OpenAPI document after each test (and once more after all of
// them, for answers that finished late): a status, body, problem code or
// required header the document does not describe fails that test.
import { createTestDatabase, memoryLog, type TestDatabase } from "@authbridge/devstack/testing";
import { afterAll, afterEach } from "@jest/globals";
import { createLogger } from "@authbridge/service-kit";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { loadConfig } from "../src/config.js";
import { openApiDocumentFor } from "../src/openapi/document.js";
import { createResourceService, type ResourceService } from "../src/service.js";
import { conformanceChecker, type ConformanceChecker } from "./openapi/conformance.js";
import { ResponseRecorder } from "./openapi/recorder.js";

export { expectProblem, freePort } from "@authbridge/devstack/testing";

export const AUDIENCE = "http://localhost:4001";

/** Each service's responses, with the checker of its own document (a deployment's document follows its configuration). */
const recorder = new ResponseRecorder<ConformanceChecker>();

/** Fails with every recorded response its service's OpenAPI document does not describe. */
function assertResponsesConform(): void {
  const violations = recorder.take().flatMap(({ owner: checker, exchange }) => checker.violations(exchange));
  if (violations.length > 0) throw new Error(`Responses the OpenAPI document does not describe:\n${violations.join("\n")}`);
}

afterEach(assertResponsesConform);
afterAll(() => {
  try {
    assertResponsesConform();
  } finally {
    recorder.close();
  }
});

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
  recorder.watch(url, conformanceChecker(openApiDocumentFor(config)));
  return {
    url,
    service,
    database: db,
    logs,
    async stop() {
      await service.close();
      recorder.unwatch(url);
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
