// A service (auth-service, resource-service, the demo's server) as a child
// process with an IPC channel: it reports "ready" over IPC, and shuts itself
// down if its parent goes away. Used by `npm start`, the tests and the
// reliability harness. A service is found through its package's "./server"
// entry point, never by a path into its folder.
import { fork, type ChildProcess, type StdioOptions } from "node:child_process";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./databases.js";

/** The services of the stack: each is the package @authbridge/<name>, whose "./server" entry point starts it. */
export type ServiceName = "auth-service" | "resource-service" | "demo";

/**
 * The file a package's entry point (@authbridge/<service>/<entryPoint>)
 * resolves to. Under the "source" condition (`npm start`, `npm test`: see the
 * workspaces' package.json) that is its TypeScript source; without it, its
 * compiled JavaScript.
 *
 * @example
 * packageEntry("auth-service"); // ".../auth-service/src/server.ts" under --conditions=source
 * packageEntry("auth-service", "cli/keys"); // the operator's key commands
 */
export function packageEntry(service: ServiceName, entryPoint = "server"): string {
  return fileURLToPath(import.meta.resolve(`@authbridge/${service}/${entryPoint}`));
}

/** How Node must run `entry`: a TypeScript source through tsx, with workspace packages resolved to their sources. */
export function nodeArgsFor(entry: string): string[] {
  return entry.endsWith(".ts") ? ["--conditions=source", "--import", "tsx"] : ["--enable-source-maps"];
}

export interface ForkOptions {
  env: NodeJS.ProcessEnv;
  /** stdout and stderr: "inherit" (the stack) or "pipe"/"ignore" (tests; a piped stdout must be read, from onSpawn). Default pipe for stderr. */
  output?: { stdout: "inherit" | "ignore" | "pipe"; stderr: "inherit" | "pipe" };
  /** Learns of the child at once, so a stop during start-up can stop it too. */
  onSpawn?: (child: ChildProcess) => void;
  readyTimeoutMs?: number;
  /** A built file to run (see bundleService) instead of the service's entry point (packageEntry). */
  entry?: string;
  /**
   * The rest of the environment, known later. The service is forked at once
   * and loads its code, then waits (service-kit's runMain) until this
   * resolves before it reads its configuration and touches its database.
   * If this rejects, the service exits and the fork fails with the same error.
   */
  startEnv?: Promise<NodeJS.ProcessEnv>;
}

/** Must match service-kit's lifecycle.ts (the stack does not load service-kit itself). */
const WAIT_FOR_START_ENV = "AUTHBRIDGE_WAIT_FOR_START";

/** Forks `service` and resolves once it reports ready; rejects (and kills it) otherwise. */
export function forkService(service: ServiceName, options: ForkOptions): Promise<ChildProcess> {
  const output = options.output ?? { stdout: "ignore", stderr: "pipe" };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const entry = options.entry ?? packageEntry(service);
    const child = fork(entry, [], {
      cwd: repoRoot,
      env: options.startEnv ? { ...options.env, [WAIT_FOR_START_ENV]: "1" } : options.env,
      execArgv: nodeArgsFor(entry),
      stdio: ["ignore", output.stdout, output.stderr, "ipc"] as StdioOptions,
    });
    options.onSpawn?.(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let timer: NodeJS.Timeout | undefined;
    let startError: unknown;
    const waitForReady = () => {
      timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`${service} did not become ready within ${timeoutMs / 1000} seconds.${stderr ? `\n${stderr}` : ""}`));
      }, timeoutMs);
    };
    if (options.startEnv) {
      options.startEnv.then(
        (env) => {
          if (!child.connected) return;
          child.send({ type: "start", env });
          waitForReady();
        },
        (error: unknown) => {
          startError = error;
          child.kill("SIGTERM");
        },
      );
    } else {
      waitForReady();
    }
    const onMessage = (message: { type?: string }) => {
      if (message.type !== "ready") return;
      child.off("message", onMessage);
      clearTimeout(timer);
      resolve(child);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (startError !== undefined) reject(startError);
      else reject(new Error(`${service} exited with code ${code} before it was ready${stderr ? `: ${stderr}` : " (its error is printed above)"}.`));
    });
  });
}

export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** SIGTERM, then SIGKILL if the child has not exited within `timeoutMs`; resolves with how it ended. */
export function stopService(child: ChildProcess, timeoutMs = 15_000): Promise<ServiceExit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill("SIGTERM");
  });
}
