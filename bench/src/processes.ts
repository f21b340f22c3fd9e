// The measured services as child processes started the way their images start them: `node
// <args>` with no IPC channel and stdout on a pipe that is read and discarded (as a container
// runtime collects it), counted so the report can show that request logs were on.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface ServiceProcess {
  name: string;
  pid: number;
  url: string;
  /** Bytes and lines the process wrote to stdout so far. */
  output(): { bytes: number; lines: number };
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  cwd: string;
  /** node's arguments: the script (relative to cwd) and what comes with it. */
  args: string[];
  port: number;
  env: Record<string, string>;
  /** Polled until it answers: with 200 when `ready200`, with any status otherwise. */
  readyPath: string;
  ready200: boolean;
  /** "pipe" (default): read and discarded here, and counted; "null": /dev/null. */
  stdout?: "pipe" | "null";
  timeoutMs?: number;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (an ephemeral one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stopChild(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Starts `node ...args` and resolves once it answers on readyPath; rejects with its stderr otherwise. */
export async function startProcess(options: StartOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PORT: String(options.port), ...options.env },
    stdio: ["ignore", options.stdout === "null" ? "ignore" : "pipe", "pipe"],
  });
  const output = { bytes: 0, lines: 0 };
  child.stdout?.on("data", (chunk: Buffer) => {
    output.bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) output.lines += 1;
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it was ready.\n${stderr}`.trimEnd());
    }
    const status = await fetch(`${url}${options.readyPath}`, { signal: AbortSignal.timeout(1_000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status;
      },
      () => 0,
    );
    if (status !== 0 && (!options.ready200 || status === 200)) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${options.name} was not ready within ${(options.timeoutMs ?? 30_000) / 1000} s (last answer: ${status || "none"}).\n${stderr}`.trimEnd());
    }
    await sleep(100);
  }
  return { name: options.name, pid: child.pid ?? 0, url, output: () => ({ ...output }), stop: () => stopChild(child) };
}

/** Runs `node entry` to completion (a one-shot script), rejecting with its stderr when it fails. */
export function runScript(cwd: string, entry: string, env: Record<string, string>, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${entry} failed (${code ?? signal}).\n${stderr}`.trimEnd()));
    });
  });
}
