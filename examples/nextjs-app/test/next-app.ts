// The app as a user runs it: `npm run build` (the client package, then
// `next build`), then `next start` on an ephemeral port. Both are child
// processes with deadlines; a failure quotes their output.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const NEXT_BIN = createRequire(import.meta.url).resolve("next/dist/bin/next");
const BUILD_TIMEOUT_MS = 6 * 60_000;
const START_TIMEOUT_MS = 60_000;

/** The environment of a Next.js process: telemetry off, and no NODE_ENV from Jest ("test"), which Next.js refuses to build with. */
function nextEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_ENV: _jest, ...env } = process.env;
  return { ...env, NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

/** Runs the example's build script. Type checking is skipped: `npm run typecheck` does it, and it is half of the build's time. */
export function buildApp(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "build"], { cwd: APP_DIR, env: nextEnv({ SKIP_BUILD_TYPECHECK: "1" }), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), BUILD_TIMEOUT_MS);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`The Next.js app's build ${signal ? `was stopped after ${BUILD_TIMEOUT_MS / 1000} s` : `failed (exit code ${code})`}:\n${output}`));
    });
  });
}

export interface RunningApp {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `next start` on 127.0.0.1:`port`; resolves once it serves a page. */
export async function startApp(port: number, env: NodeJS.ProcessEnv): Promise<RunningApp> {
  const child = spawn(process.execPath, [NEXT_BIN, "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: APP_DIR,
    env: nextEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const app: RunningApp = { url, output: () => output, stop: () => stop(child) };
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}:\n${output}`);
    const ok = await fetch(`${url}/sign-in`, { signal: AbortSignal.timeout(5_000) }).then((response) => response.ok, () => false);
    if (ok) return app;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await app.stop();
  throw new Error(`next start did not serve /sign-in within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
