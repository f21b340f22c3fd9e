// Test helpers: a real auth-service on an ephemeral port, on a database of its
// own, and a small cookie-keeping HTTP client for the Better Auth flows.
import { createTestDatabase, freePort, memoryLog, type TestDatabase } from "@authbridge/devstack/testing";
import { loadConfig } from "../src/config.js";
import { createLogger } from "@authbridge/service-kit";
import { createAuthService, type AuthService } from "../src/service.js";

export const TEST_SECRET = "test-secret-0123456789-abcdefghijklmnop";
export const AUDIENCE = "http://localhost:4001";
export const PASSWORD = "correct horse battery staple";

export interface RunningAuthService {
  url: string;
  service: AuthService;
  database: TestDatabase;
  /** Every log line the service wrote, raw. */
  logs: string[];
  stop(): Promise<void>;
}

/** Starts the auth-service on 127.0.0.1 and an ephemeral port, with `env` overriding the defaults. */
export async function startAuthService(env: Record<string, string> = {}, database?: TestDatabase): Promise<RunningAuthService> {
  const db = database ?? (await createTestDatabase("auth-service"));
  const { lines: logs, stream: sink } = memoryLog();
  // The issuer is the base URL, which must name the port before listening.
  const port = await freePort();
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: db.url,
    BETTER_AUTH_SECRET: TEST_SECRET,
    BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
    JWT_AUDIENCE: AUDIENCE,
    AUTH_RATE_LIMIT_MAX: "1000",
    LOG_LEVEL: "info",
    ...env,
  });
  const service = createAuthService(config, createLogger("auth-service", config.logLevel, sink));
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


/** A minimal browser-like client: keeps cookies, sends an Origin like a browser would. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(
    private readonly base: string,
    private readonly origin = base,
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(path: string, init: { method?: string; json?: unknown; headers?: Record<string, string>; redirect?: "follow" | "manual" } = {}): Promise<Response> {
    const headers: Record<string, string> = { origin: this.origin, ...init.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader;
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.base}${path}`, {
      method: init.method ?? (init.json !== undefined ? "POST" : "GET"),
      headers,
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      ...(init.redirect ? { redirect: init.redirect } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = cookie.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  signUp(email: string, password = PASSWORD, name = "Test User"): Promise<Response> {
    return this.request("/api/auth/sign-up/email", { json: { email, password, name } });
  }

  signIn(email: string, password = PASSWORD): Promise<Response> {
    return this.request("/api/auth/sign-in/email", { json: { email, password } });
  }
}

let counter = 0;
/** A unique email address for one test. */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}.${process.pid}.${Date.now()}.${counter}@example.com`;
}

/** Counts the users with `email` straight from the database (to prove nothing was written). */
export async function countUsers(running: RunningAuthService, email: string): Promise<number> {
  return running.service.db.prisma.user.count({ where: { email } });
}

export { expectProblem, freePort } from "@authbridge/devstack/testing";
