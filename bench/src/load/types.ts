// One run of load against one URL, and what it measured.
export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  durationSeconds: number;
  connections: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Answers other than 2xx/3xx, and connection errors or timeouts. */
  failures: { status: number; errors: number };
}

export interface LoadGenerator {
  /** How it runs, for the report. */
  description: string;
  run(request: LoadRequest): Promise<LoadResult>;
}
