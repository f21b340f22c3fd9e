// Both services as real processes on ephemeral ports, each on a database of
// its own: for tests that need the pair over real HTTP (the typed client, the
// contracts). The resource-service trusts the auth-service through its issuer
// URL alone, exactly as in the stack.
import pg from "pg";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { SIGN_IN_PATH, SIGN_UP_PATH } from "@authbridge/auth-service/paths";
import { forkService, stopService, type ServiceName } from "../service-process.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { freePort } from "./http.js";

export interface RunningServices {
  authUrl: string;
  apiUrl: string;
  audience: string;
  authDatabase: TestDatabase;
  apiDatabase: TestDatabase;
  stop(): Promise<void>;
}

function startProcess(service: ServiceName, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  return forkService(service, { env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env } });
}

const stopProcess = (child: ChildProcess) => stopService(child);

/** Starts processes side by side; if any fails, stops the others and rethrows. */
async function startAll(starts: Array<Promise<ChildProcess>>, cleanup: () => Promise<void>): Promise<ChildProcess[]> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (!failed) return results.map((result) => (result as PromiseFulfilledResult<ChildProcess>).value);
  await Promise.all(results.map((result) => (result.status === "fulfilled" ? stopProcess(result.value) : undefined)));
  await cleanup();
  throw failed.reason;
}

export interface RunningService {
  url: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

/** Starts one service as a process on an ephemeral port and a database of its own; `env` completes its configuration. */
export async function startService(service: "auth-service" | "resource-service", env: (url: string) => NodeJS.ProcessEnv): Promise<RunningService> {
  const [database, port] = await Promise.all([createTestDatabase(service), freePort()]);
  const url = `http://127.0.0.1:${port}`;
  const [child] = await startAll([startProcess(service, { HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: database.url, ...env(url) })], () => database.drop());
  if (!child) throw new Error(`${service} did not start`);
  return {
    url,
    database,
    async stop() {
      await stopProcess(child);
      await database.drop();
    },
  };
}

/** Starts the auth-service and the resource-service; `env` adds to (or overrides) either's environment. */
export async function startServices(env: { auth?: NodeJS.ProcessEnv; api?: NodeJS.ProcessEnv } = {}): Promise<RunningServices> {
  const [authDatabase, apiDatabase, authPort, apiPort] = await Promise.all([
    createTestDatabase("auth-service"),
    createTestDatabase("resource-service"),
    freePort(),
    freePort(),
  ]);
  const authUrl = `http://127.0.0.1:${authPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const audience = apiUrl;
  const [auth, api] = await startAll([
    startProcess("auth-service", {
      HOST: "127.0.0.1",
      PORT: String(authPort),
      DATABASE_URL: authDatabase.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: authUrl,
      JWT_AUDIENCE: audience,
      AUTH_RATE_LIMIT_MAX: "1000",
      ...env.auth,
    }),
    startProcess("resource-service", {
      HOST: "127.0.0.1",
      PORT: String(apiPort),
      DATABASE_URL: apiDatabase.url,
      AUTH_ISSUER: authUrl,
      AUTH_AUDIENCE: audience,
      ...env.api,
    }),
  ], async () => {
    await Promise.all([authDatabase.drop(), apiDatabase.drop()]);
  });
  if (!auth || !api) throw new Error("the services did not start");
  return {
    authUrl,
    apiUrl,
    audience,
    authDatabase,
    apiDatabase,
    async stop() {
      await Promise.all([stopProcess(auth), stopProcess(api)]);
      await Promise.all([authDatabase.drop(), apiDatabase.drop()]);
    },
  };
}

/** Signs a new user up and in at the auth-service; returns the session cookie header. */
export async function signedInCookie(authUrl: string, email: string, name = "Test User", password = "correct horse battery staple"): Promise<string> {
  const headers = { "content-type": "application/json", origin: authUrl };
  await fetch(`${authUrl}${SIGN_UP_PATH}`, { method: "POST", headers, body: JSON.stringify({ email, name, password }) });
  const response = await fetch(`${authUrl}${SIGN_IN_PATH}`, { method: "POST", headers, body: JSON.stringify({ email, password }) });
  if (response.status !== 200) throw new Error(`sign-in failed with ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

/**
 * Gives the account with `email` a role, as the auth-service's roles CLI does
 * for the first admin, straight in its database (`authDatabaseUrl`). A session
 * signed in after this carries it; one signed in before may hold the old role
 * in a cache.
 */
export async function grantRole(authDatabaseUrl: string, email: string, role: "user" | "moderator" | "admin"): Promise<void> {
  const client = new pg.Client({ connectionString: authDatabaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query(`UPDATE "user" SET role = $1 WHERE email = $2`, [role, email.toLowerCase()]);
    if (rowCount !== 1) throw new Error(`No account has the email address ${email}.`);
  } finally {
    await client.end();
  }
}
