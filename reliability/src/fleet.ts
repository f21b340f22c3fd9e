// Several auth-service and resource-service processes on 127.0.0.1, as in a
// production deployment with more than one instance of each:
//
//   - every auth-service instance shares one database, one BETTER_AUTH_SECRET
//     and one Redis (rate-limit counters, under a key prefix of this fleet's
//     own), and they sit behind one front whose URL is the tokens' issuer;
//   - every resource-service instance shares one database and trusts that
//     issuer; each fetches the keys through a front of its own
//     (AUTH_JWKS_URL), where its JWKS fetches are counted; one more front
//     balances clients over them.
//
// The issuer's and the clients' fronts route only to instances whose /readyz
// answers 200, as a load balancer with health checks would.
//
// Instances are started one after another (the first auth-service creates the
// first signing key), can be killed and started again on the same port.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { JWKS_PATH } from "@authbridge/auth-service/paths";
import { nodeArgsFor, packageEntry, repoRoot } from "@authbridge/devstack";
import { createTestDatabase, freePort, type TestDatabase } from "@authbridge/devstack/testing/runner";
import { startFront, type Front } from "./front.js";
import { ServiceInstance } from "./instance.js";
import { deleteKeysWithPrefix } from "./redis-keys.js";

/** The Redis the tests use (CI starts one there). */
export const REDIS_URL = "redis://127.0.0.1:6379";

export interface FleetOptions {
  authInstances?: number;
  resourceInstances?: number;
  /** Added to (or overriding) every auth-service instance's environment. */
  authEnv?: NodeJS.ProcessEnv;
  resourceEnv?: NodeJS.ProcessEnv;
}

export interface Fleet {
  /** The issuer (the auth front's URL): every token's `iss`. */
  issuer: string;
  /** The audience every resource-service instance accepts. */
  audience: string;
  auth: ServiceInstance[];
  resource: ServiceInstance[];
  /** The front of each resource-service instance's JWKS URL, by index. */
  jwksFronts: Front[];
  /** The issuer's URL: balances over the auth-service instances. */
  authFront: Front;
  /** Balances over the resource-service instances. */
  apiFront: Front;
  redisKeyPrefix: string;
  authDatabase: TestDatabase;
  resourceDatabase: TestDatabase;
  /** JWKS requests resource-service instance `index` made so far (answered or not). */
  jwksFetches(index: number): number;
  /** Runs the auth-service's key CLI (`keys rotate`, `keys list`, ...) against this fleet; resolves with its output. */
  keys(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const execFileAsync = promisify(execFile);
/** How the fronts probe readiness: often enough to stop routing to an instance well within its SHUTDOWN_DELAY_MS. */
export const HEALTH = { path: "/readyz", intervalMs: 100 };

export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const authCount = options.authInstances ?? 2;
  const resourceCount = options.resourceInstances ?? 2;
  const [authDatabase, resourceDatabase] = await Promise.all([createTestDatabase("auth-service"), createTestDatabase("resource-service")]);
  const fronts: Front[] = [];
  const instances: ServiceInstance[] = [];
  const redisKeyPrefix = `authbridge-reliability-${randomBytes(6).toString("hex")}:`;
  try {
    const authPorts = await Promise.all(Array.from({ length: authCount }, () => freePort()));
    const authUrls = authPorts.map((port) => `http://127.0.0.1:${port}`);
    const authFront = await startFront(authUrls, { health: HEALTH });
    fronts.push(authFront);
    const issuer = authFront.url;
    const audience = "http://api.reliability.test";
    const authEnv: NodeJS.ProcessEnv = {
      DATABASE_URL: authDatabase.url,
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: issuer,
      JWT_AUDIENCE: audience,
      // Clients are told apart by X-Forwarded-For, as behind a load balancer.
      TRUST_PROXY: "loopback",
      AUTH_RATE_LIMIT_MAX: "1000",
      LOG_LEVEL: "info",
      REDIS_URL,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      ...options.authEnv,
    };
    const auth = authPorts.map((port, index) => new ServiceInstance(`auth-${index + 1}`, "auth-service", port, authEnv));
    instances.push(...auth);
    // One after another: the first creates the signing key the others load.
    for (const instance of auth) await instance.start();

    // No probes here: a refused connection moves on to the next instance anyway.
    const jwksFronts = await Promise.all(Array.from({ length: resourceCount }, () => startFront(authUrls)));
    fronts.push(...jwksFronts);
    const resourcePorts = await Promise.all(Array.from({ length: resourceCount }, () => freePort()));
    const apiFront = await startFront(
      resourcePorts.map((port) => `http://127.0.0.1:${port}`),
      { health: HEALTH },
    );
    fronts.push(apiFront);
    const resource = await Promise.all(
      jwksFronts.map(async (front, index) => {
        const instance = new ServiceInstance(`resource-${index + 1}`, "resource-service", resourcePorts[index] as number, {
          DATABASE_URL: resourceDatabase.url,
          AUTH_ISSUER: issuer,
          AUTH_AUDIENCE: audience,
          AUTH_JWKS_URL: `${front.url}${JWKS_PATH}`,
          LOG_LEVEL: "info",
          ...options.resourceEnv,
        });
        instances.push(instance);
        return instance;
      }),
    );
    await Promise.all(resource.map((instance) => instance.start()));

    return {
      issuer,
      audience,
      auth,
      resource,
      jwksFronts,
      authFront,
      apiFront,
      redisKeyPrefix,
      authDatabase,
      resourceDatabase,
      jwksFetches: (index) => jwksFronts[index]?.count(JWKS_PATH) ?? 0,
      async keys(...args) {
        const cli = packageEntry("auth-service", "cli/keys");
        const { stdout } = await execFileAsync(process.execPath, [...nodeArgsFor(cli), cli, ...args], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH, ...authEnv, LOG_LEVEL: "warn" },
        });
        return stdout;
      },
      async stop() {
        await stopAll(instances, fronts, [authDatabase, resourceDatabase]);
        await deleteKeysWithPrefix(REDIS_URL, redisKeyPrefix);
      },
    };
  } catch (error: unknown) {
    await stopAll(instances, fronts, [authDatabase, resourceDatabase]);
    await deleteKeysWithPrefix(REDIS_URL, redisKeyPrefix).catch(() => 0); // the start's error matters more
    throw error;
  }
}

async function stopAll(instances: ServiceInstance[], fronts: Front[], databases: TestDatabase[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.stop()));
  await Promise.all(fronts.map((front) => front.stop()));
  await Promise.all(databases.map((database) => database.drop()));
}
