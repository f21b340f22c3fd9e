// The fallback when wrk is not installed: autocannon, in the harness's own process.
import autocannon from "autocannon";
import type { LoadGenerator, LoadRequest, LoadResult } from "./types.js";

async function run(request: LoadRequest): Promise<LoadResult> {
  const result = await autocannon({ url: request.url, connections: request.connections, duration: request.durationSeconds, headers: request.headers });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / request.durationSeconds,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    failures: { status: result.non2xx, errors: result.errors + result.timeouts },
  };
}

export const autocannonGenerator: LoadGenerator = { description: "autocannon (in the harness's process)", run };
