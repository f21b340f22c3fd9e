// Counting outcomes: statuses, network errors by kind, latency percentiles.
import type { NetworkErrorKind, Outcome } from "./load.js";

export interface LoadSummary {
  requests: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Requests that got no response, by kind. */
  errors: Record<NetworkErrorKind, number>;
  /** Responses with a problem+json body, by code. */
  problems: Record<string, number>;
  /** Latency of answered requests, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /** Answered requests per second over `elapsedMs`. */
  rate: number;
}

/** The value below which `fraction` of the sorted `values` lie (nearest rank); 0 for none. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function summarize(outcomes: readonly Outcome[], elapsedMs: number): LoadSummary {
  const statuses: Record<string, number> = {};
  const problems: Record<string, number> = {};
  const errors: Record<NetworkErrorKind, number> = { refused: 0, reset: 0, timeout: 0, other: 0 };
  const latencies: number[] = [];
  for (const outcome of outcomes) {
    if (outcome.status !== undefined) {
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      latencies.push(outcome.endedAt - outcome.startedAt);
      if (outcome.code) problems[outcome.code] = (problems[outcome.code] ?? 0) + 1;
    } else if (outcome.error) {
      errors[outcome.error] += 1;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    statuses,
    errors,
    problems,
    p50: round(percentile(latencies, 0.5)),
    p99: round(percentile(latencies, 0.99)),
    max: round(latencies.at(-1) ?? 0),
    rate: elapsedMs > 0 ? Math.round((latencies.length / elapsedMs) * 1000) : 0,
  };
}

/** Responses with a status in [from, to). */
export function countStatuses(summary: LoadSummary, from: number, to: number): number {
  return Object.entries(summary.statuses).reduce((sum, [status, count]) => (Number(status) >= from && Number(status) < to ? sum + count : sum), 0);
}

/** Requests that failed: no response at all, or a status outside 2xx. */
export function failures(summary: LoadSummary): number {
  return summary.requests - countStatuses(summary, 200, 300);
}

/** Prints a scenario's numbers on one line (the tests' output; RELIABILITY.md quotes them). */
export function report(name: string, result: unknown): void {
  process.stdout.write(`[reliability] ${name}: ${JSON.stringify(result)}\n`);
}
