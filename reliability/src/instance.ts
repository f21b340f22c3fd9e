// One service process of a fleet, on a fixed port so it can be killed and
// started again where its clients expect it. Its log lines are kept, and its
// request lines counted by User-Agent, so a scenario can count what it logged
// and which requests reached it.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { forkService, stopService, type ServiceName as StackService } from "@authbridge/devstack";

/** The services a fleet runs several instances of. */
export type ServiceName = Exclude<StackService, "demo">;

/** The resident set size of a process in kB (VmRSS in /proc/<pid>/status), or undefined when unreadable. */
export function residentKb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

interface LogLine {
  msg?: string;
  req?: { userAgent?: string };
  res?: unknown;
}

export class ServiceInstance {
  /** Log lines other than per-request lines, raw (pino JSON). */
  readonly logs: string[] = [];
  /**
   * Requests that reached this instance's application, by User-Agent: it logs
   * one line for each, once answered or once its connection closed.
   */
  private readonly requestCounts = new Map<string, number>();
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private partial = "";

  constructor(
    /** e.g. "auth-1". */
    readonly name: string,
    readonly service: ServiceName,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process (again) and resolves once it reports ready. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running.`);
    const env = { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: String(this.port), ...this.env };
    this.child = await forkService(this.service, {
      env,
      output: { stdout: "pipe", stderr: "pipe" },
      onSpawn: (child) => {
        // "close": exited, and everything it wrote has been read.
        this.exited = new Promise((resolve) => child.once("close", (code: number | null) => resolve(code)));
        child.stdout?.on("data", (chunk: Buffer) => this.read(chunk));
      },
    });
  }

  /** Sends `signal` and resolves with the exit code (null when the signal ended it) once the process has exited. */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.running) this.child?.kill(signal);
    return this.exited;
  }

  /** SIGTERM (a graceful drain), then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs?: number): Promise<void> {
    if (this.child) await stopService(this.child, timeoutMs);
    await this.exited;
  }

  /** Requests its application logged so far that came with this User-Agent (a load run's own). */
  requestsFrom(userAgent: string): number {
    return this.requestCounts.get(userAgent) ?? 0;
  }

  rssKb(): number | undefined {
    const pid = this.pid;
    return pid === undefined ? undefined : residentKb(pid);
  }

  /** Log lines (other than request lines) whose message contains `text`. */
  logged(text: string): number {
    return this.logs.filter((line) => (JSON.parse(line) as LogLine).msg?.includes(text)).length;
  }

  /** Waits (up to `timeoutMs`) until a log line containing `text` has been read; returns how many there are. */
  async waitForLog(text: string, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.logged(text) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.logged(text);
  }

  private read(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString()).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        continue;
      }
      if (parsed.req === undefined || parsed.res === undefined) this.logs.push(line);
      else {
        const agent = parsed.req.userAgent ?? "";
        this.requestCounts.set(agent, (this.requestCounts.get(agent) ?? 0) + 1);
      }
    }
  }
}
