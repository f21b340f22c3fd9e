// Every process of the run, started one after another on ephemeral ports of 127.0.0.1:
// our auth-service (default configuration, and with REDIS_URL when Redis answers), our
// resource-service, and the three peers. Ours run exactly as their images do: the
// Dockerfile's final stage's ENV and CMD (image.ts), on 127.0.0.1.
import { randomBytes } from "node:crypto";
import net from "node:net";
import path from "node:path";
import { repoRoot } from "@authbridge/devstack";
import { imageRuntime } from "./image.js";
import { freePort, runScript, startProcess, type ServiceProcess } from "./processes.js";
import type { BenchDatabases } from "./setup/databases.js";

export interface Stack {
  auth: ServiceProcess;
  authRedis: ServiceProcess | undefined;
  resource: ServiceProcess;
  resourcePeer: ServiceProcess;
  betterAuthPeer: ServiceProcess;
  bareExpress: ServiceProcess;
  /** The audience our tokens name (and both resource services require). */
  audience: string;
}

/** Whether something accepts TCP connections at the Redis URL within a second. */
export function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379), timeout: 1_000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

const benchDir = path.join(repoRoot, "bench");
/** How the image runs a workspace's service: its ENV (PORT and HOST aside: an ephemeral port on 127.0.0.1) and node's arguments after CMD's `node`. */
function asTheImage(workspace: string, nodeFlags: readonly string[]): { cwd: string; args: string[]; env: Record<string, string> } {
  const { env, command } = imageRuntime(path.join(repoRoot, workspace, "Dockerfile"));
  const { PORT: _port, ...rest } = env; // the harness picks an ephemeral port
  return { cwd: path.join(repoRoot, workspace), args: [...nodeFlags, ...command.slice(1)], env: { ...rest, HOST: "127.0.0.1" } };
}
const secret = () => randomBytes(32).toString("base64url");

/**
 * Starts the stack; every process started is handed to `started` at once, so a failure
 * half-way (or an interrupt) still stops them.
 */
export async function startStack(
  dbs: BenchDatabases,
  redis: { url: string; keyPrefix: string } | undefined,
  stdout: "pipe" | "null",
  /** Flags for every service's and peer's node (a CPU profile, BENCH_PROFILE), before their own arguments. */
  nodeFlags: readonly string[],
  started: (process: ServiceProcess) => void,
  log: (line: string) => void,
): Promise<Stack> {
  const track = async (promise: Promise<ServiceProcess>) => {
    const service = await promise;
    started(service);
    log(`${service.name} ready at ${service.url} (pid ${service.pid})`);
    return service;
  };
  const [authPort, authRedisPort, resourcePort, resourcePeerPort, betterAuthPort, barePort] = await Promise.all(Array.from({ length: 6 }, freePort));
  const authUrl = `http://127.0.0.1:${authPort}`;
  const audience = `http://127.0.0.1:${resourcePort}`;
  const authImage = asTheImage("auth-service", nodeFlags);
  const resourceImage = asTheImage("resource-service", nodeFlags);
  const authService = (name: string, port: number | undefined, databaseUrl: string, extra: Record<string, string>) =>
    track(
      startProcess({
        name,
        cwd: authImage.cwd,
        args: authImage.args,
        port: port ?? 0,
        env: { ...authImage.env, DATABASE_URL: databaseUrl, BETTER_AUTH_SECRET: secret(), BETTER_AUTH_URL: `http://127.0.0.1:${port}`, JWT_AUDIENCE: audience, ...extra },
        readyPath: "/readyz",
        ready200: true,
        stdout,
      }),
    );

  const auth = await authService("auth-service", authPort, dbs.urls.auth, {});
  const authRedis = redis ? await authService("auth-service (REDIS_URL)", authRedisPort, dbs.urls.authRedis, { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix }) : undefined;
  const resource = await track(
    startProcess({
      name: "resource-service",
      cwd: resourceImage.cwd,
      args: resourceImage.args,
      port: resourcePort ?? 0,
      env: { ...resourceImage.env, DATABASE_URL: dbs.urls.resource, AUTH_ISSUER: authUrl, AUTH_AUDIENCE: audience },
      readyPath: "/readyz",
      ready200: true,
      stdout,
    }),
  );
  // Peers answer any path once they listen; Express's 404 is enough to know that.
  const peer = (name: string, entry: string, port: number | undefined, env: Record<string, string>) =>
    track(startProcess({ name, cwd: benchDir, args: [...nodeFlags, entry], port: port ?? 0, env: { NODE_ENV: "production", ...env }, readyPath: "/", ready200: false, stdout }));
  const resourcePeer = await peer("peer 1 (Express + jose + pg)", "dist/peers/resource-peer.js", resourcePeerPort, { DATABASE_URL: dbs.urls.resource, AUTH_ISSUER: authUrl, AUTH_AUDIENCE: audience });
  const betterAuthEnv = { DATABASE_URL: dbs.urls.betterAuth, BETTER_AUTH_URL: `http://127.0.0.1:${betterAuthPort}`, BETTER_AUTH_SECRET: secret() };
  await runScript(benchDir, "dist/peers/better-auth-migrate.js", { NODE_ENV: "production", ...betterAuthEnv });
  const betterAuthPeer = await peer("peer 2 (plain Better Auth)", "dist/peers/better-auth-peer.js", betterAuthPort, betterAuthEnv);
  const bareExpress = await peer("bare Express 5", "dist/peers/bare-express.js", barePort, {});
  return { auth, authRedis, resource, resourcePeer, betterAuthPeer, bareExpress, audience };
}
