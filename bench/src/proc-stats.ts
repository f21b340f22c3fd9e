// What a process costs, read from /proc: resident memory (sampled, for the peak under load)
// and CPU time (user + system, for the CPU per request).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident set size in kB (0 once the process is gone). */
export function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time used so far (user + system), in milliseconds. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; `stop` returns the peak in kB. */
export function sampleRss(pid: number, intervalMs = 100): { stop(): number } {
  let peak = rssKb(pid);
  let final: number | undefined;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), intervalMs);
  return {
    stop() {
      if (final === undefined) {
        clearInterval(timer);
        final = Math.max(peak, rssKb(pid));
      }
      return final;
    },
  };
}
