// The measuring loop. Every target is warmed up once, then each round measures every target
// once, path by path, the targets of a path back to back in an order that alternates from
// round to round (so neither side always runs first). For each run: the load generator's
// numbers, the serving process's CPU time and its peak RSS (sampled every 100 ms).
import type { LoadGenerator, LoadResult } from "./load/types.js";
import { cpuMs, sampleRss } from "./proc-stats.js";
import type { ServiceProcess } from "./processes.js";

export interface Target {
  /** Unique; names the target in the results. */
  key: string;
  process: ServiceProcess;
  path: string;
  headers: Record<string, string>;
}

export interface Run {
  round: number;
  result: LoadResult;
  /** CPU time of the serving process during the run, in ms. */
  cpuMs: number;
  peakRssKb: number;
}

export interface Measurements {
  runs: Map<string, Run[]>;
  /** Peak RSS of each target's process during its warm-up, in kB. */
  warmupPeakRssKb: Map<string, number>;
}

export interface MeasureOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runOnce(generator: LoadGenerator, target: Target, durationSeconds: number, connections: number): Promise<{ result: LoadResult; cpuMs: number; peakRssKb: number }> {
  const { pid } = target.process;
  const rss = sampleRss(pid);
  const cpuBefore = cpuMs(pid);
  const result = await generator
    .run({ url: `${target.process.url}${target.path}`, headers: target.headers, durationSeconds, connections })
    .finally(() => rss.stop());
  return { result, cpuMs: cpuMs(pid) - cpuBefore, peakRssKb: rss.stop() };
}

/** `groups`: the targets of each path, measured back to back. */
export async function measure(generator: LoadGenerator, groups: Target[][], options: MeasureOptions): Promise<Measurements> {
  const runs = new Map<string, Run[]>();
  const warmupPeakRssKb = new Map<string, number>();
  if (options.warmupSeconds > 0) {
    options.log(`warming up ${groups.flat().length} targets, ${options.warmupSeconds} s each`);
    for (const target of groups.flat()) {
      const warm = await runOnce(generator, target, options.warmupSeconds, options.connections);
      warmupPeakRssKb.set(target.key, warm.peakRssKb);
    }
  }
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const group of groups) {
      const ordered = round % 2 === 1 ? group : [...group].reverse();
      for (const target of ordered) {
        await sleep(300);
        const run = await runOnce(generator, target, options.durationSeconds, options.connections);
        const { result } = run;
        const failed = result.failures.status + result.failures.errors;
        options.log(
          `round ${round}/${options.rounds} ${target.key}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms` +
            (failed > 0 ? `, ${result.failures.status} non-2xx answers and ${result.failures.errors} errors` : ""),
        );
        runs.set(target.key, [...(runs.get(target.key) ?? []), { round, ...run }]);
      }
    }
  }
  return { runs, warmupPeakRssKb };
}
