import { spawn } from "node:child_process";

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface HelperOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Sees stdout as it grows (all of it so far); `end` ends the helper (and its children) early. */
  onStdout?: (stdout: string, end: () => void) => void;
  /** Ends the helper if it is still running after this long (the result says `timedOut`). */
  timeoutMs?: number;
}

export interface HelperResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, as they came. */
  output: string;
  timedOut: boolean;
}

/**
 * Runs a helper program of the stack (initdb, pg_ctl, the Prisma CLI) to its end,
 * in a process group of its own. A terminal's Ctrl-C goes to its whole
 * foreground process group: in the stack's group it would cut a helper off
 * halfway (a migration half applied, a server half started). Out of it, the
 * helper finishes, and the stack, which waits for it, stops things in order.
 * Resolves with how it ended; rejects only when it cannot be started.
 */
export function runHelper(file: string, args: readonly string[], options: HelperOptions = {}): Promise<HelperResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      ...(options.env ? { env: options.env } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    let timedOut = false;
    // The helper leads its own process group: end the whole group.
    const end = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          end();
        }, options.timeoutMs)
      : undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
      options.onStdout?.(stdout, end);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, output, timedOut });
    });
  });
}
