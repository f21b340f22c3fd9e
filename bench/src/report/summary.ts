// From runs to rows: the medians of each side over the rounds, the ratios ours/peer and the
// verdict against each goal.
import type { Measurements, Run } from "../measure.js";

/** Every one of our services must stay under this peak RSS while measured. */
export const RSS_GOAL_MB = 150;

export interface Goal {
  /** ours/peer requests per second must be at least this. */
  minRatio?: number;
  /** ours/peer p99 latency must be at most this. */
  maxP99Ratio?: number;
}

export interface Comparison {
  path: string;
  ours: { key: string; name: string };
  peer: { key: string; name: string };
  goal: Goal;
}

export interface Side {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Highest RSS of the serving process while this target was under load (warm-up included). */
  peakRssMb: number;
  /** The serving process's CPU time per request, over every measured run. */
  cpuUsPerRequest: number;
  requestsPerSecondByRound: number[];
  p99MsByRound: number[];
  requests: number;
  /** Non-2xx answers plus connection errors and timeouts, over every measured run. */
  failures: number;
}

export interface Row {
  path: string;
  ours: Side;
  peer: Side;
  /** The median over the rounds of ours/peer requests per second (each round's pair runs back to back). */
  ratio: number;
  ratioByRound: number[];
  /** The median over the rounds of ours/peer p99 latency. */
  p99Ratio: number;
  goal: Goal;
  verdicts: { ratio: boolean | undefined; p99: boolean | undefined; rss: boolean; noFailures: boolean };
  pass: boolean;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function side(name: string, runs: Run[], warmupPeakKb: number): Side {
  const requests = runs.reduce((sum, run) => sum + run.result.requests, 0);
  const cpu = runs.reduce((sum, run) => sum + run.cpuMs, 0);
  return {
    name,
    requestsPerSecond: median(runs.map((run) => run.result.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.result.latencyMs.p50)),
    p99Ms: median(runs.map((run) => run.result.latencyMs.p99)),
    peakRssMb: Math.max(warmupPeakKb, ...runs.map((run) => run.peakRssKb)) / 1024,
    cpuUsPerRequest: requests > 0 ? (cpu * 1000) / requests : Number.NaN,
    requestsPerSecondByRound: runs.map((run) => run.result.requestsPerSecond),
    p99MsByRound: runs.map((run) => run.result.latencyMs.p99),
    requests,
    failures: runs.reduce((sum, run) => sum + run.result.failures.status + run.result.failures.errors, 0),
  };
}

export function summarize(comparisons: Comparison[], measured: Measurements): Row[] {
  return comparisons.map(({ path, ours: o, peer: p, goal }) => {
    const ours = side(o.name, measured.runs.get(o.key) ?? [], measured.warmupPeakRssKb.get(o.key) ?? 0);
    const peer = side(p.name, measured.runs.get(p.key) ?? [], measured.warmupPeakRssKb.get(p.key) ?? 0);
    // Per round, then the median: the two sides of a round ran a few seconds apart, so a
    // change in the machine's other load between rounds cancels out of each round's ratio.
    const perRound = (a: number[], b: number[]) => a.map((value, i) => value / (b[i] ?? Number.NaN));
    const ratioByRound = perRound(ours.requestsPerSecondByRound, peer.requestsPerSecondByRound);
    const ratio = median(ratioByRound);
    const p99Ratio = median(perRound(ours.p99MsByRound, peer.p99MsByRound));
    const verdicts = {
      ratio: goal.minRatio === undefined ? undefined : ratio >= goal.minRatio,
      p99: goal.maxP99Ratio === undefined ? undefined : p99Ratio <= goal.maxP99Ratio,
      rss: ours.peakRssMb <= RSS_GOAL_MB,
      noFailures: ours.failures === 0 && peer.failures === 0,
    };
    const judged = [verdicts.ratio, verdicts.p99, verdicts.rss, verdicts.noFailures].filter((v): v is boolean => v !== undefined);
    return {
      path,
      ours,
      peer,
      ratio,
      ratioByRound,
      p99Ratio,
      goal,
      verdicts,
      pass: judged.every(Boolean),
    };
  });
}
