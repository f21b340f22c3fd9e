// A small load generator for the reliability scenarios: keep-alive HTTP with
// a fixed number of workers, or at a target rate with a cap on requests in
// flight. Every request's outcome is kept (status, or the kind of network
// error, and its timing), so a scenario can count what happened before and
// after an event instead of timing anything.
import http from "node:http";
import { summarize, type LoadSummary } from "./stats.js";

/** How a request failed without a response. */
export type NetworkErrorKind =
  /** The connection was refused: nobody listens (a clean refusal, nothing was sent). */
  | "refused"
  /** The connection was cut after it was accepted (ECONNRESET, socket hang up, other side closed). */
  | "reset"
  /** No answer within the request timeout. */
  | "timeout"
  | "other";

export interface RequestSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Groups outcomes in summaries (e.g. "read", "write", "storm"). */
  tag?: string;
  /** Receives the answer (e.g. a token to use next). */
  onAnswer?: (status: number, body: string) => void;
}

export interface Outcome {
  tag: string;
  /** The origin the request went to (one instance of a service). */
  target: string;
  /** Milliseconds since the run started. */
  startedAt: number;
  endedAt: number;
  status?: number;
  error?: NetworkErrorKind;
  /** The socket error's code (ECONNREFUSED, ECONNRESET, ...), for reports. */
  errorCode?: string;
  /** The response's problem+json `code`, when it has one. */
  code?: string;
}

export interface LoadOptions {
  /** Builds the n-th request (n counts from 0). */
  next: (n: number) => RequestSpec;
  durationMs: number;
  /** Stop after sending this many requests (if the duration has not ended the run first). */
  requests?: number;
  /** Closed model: this many workers, each sending its next request when the last one is answered. */
  concurrency?: number;
  /** Open model: this many requests per second, whatever the answers take. */
  ratePerSecond?: number;
  /** With ratePerSecond: requests due while this many are in flight are skipped (and counted). Default 256. */
  maxInFlight?: number;
  /** Per request. Default 30 s (the services' own request timeout). */
  timeoutMs?: number;
  /** Ends the run early. */
  signal?: AbortSignal;
  /** Sent with every request, so a service's request log tells this run's requests apart. Default "authbridge-reliability". */
  userAgent?: string;
  /** Things to do during the run (kill an instance, rotate a key), `atMs` into it; awaited before the run resolves. */
  actions?: ReadonlyArray<{ name: string; atMs: number; run: () => unknown }>;
}

export interface LoadRun {
  outcomes: Outcome[];
  /** Requests the open model could not send because maxInFlight were pending. */
  skipped: number;
  /** When each action started, in milliseconds into the run (the outcomes' clock). */
  marks: Record<string, number>;
  elapsedMs: number;
  summary(filter?: (outcome: Outcome) => boolean): LoadSummary;
}

/** The kind of a request failure, from the socket error's code. */
export function classifyNetworkError(error: unknown): { kind: NetworkErrorKind; code: string } {
  const code = String((error as { code?: unknown } | null)?.code ?? "unknown");
  if (code === "ETIMEDOUT") return { kind: "timeout", code };
  if (code === "ECONNREFUSED") return { kind: "refused", code };
  if (code === "ECONNRESET" || code === "EPIPE") return { kind: "reset", code }; // "socket hang up" is ECONNRESET too
  return { kind: "other", code };
}

/**
 * Sends one request through `agent` and reads its whole answer; never throws.
 * node:http rather than fetch: its pool holds at most `maxSockets` connections
 * per instance and opens a new one only when one was closed, so a scenario
 * sees what the service did to its connections, not the client's own churn.
 */
export function send(spec: RequestSpec, agent: http.Agent, timeoutMs: number, clock: () => number): Promise<Outcome> {
  const startedAt = clock();
  const target = new URL(spec.url).origin;
  const tag = spec.tag ?? "default";
  return new Promise((resolve) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      const { kind, code } = classifyNetworkError(error);
      resolve({ tag, target, startedAt, endedAt: clock(), error: kind, errorCode: code });
    };
    const headers: http.OutgoingHttpHeaders = { ...spec.headers };
    if (spec.body !== undefined) headers["content-length"] = Buffer.byteLength(spec.body);
    const request = http.request(spec.url, { method: spec.method ?? "GET", headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", fail);
      response.on("end", () => {
        if (settled) return;
        settled = true;
        const status = response.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString();
        spec.onAnswer?.(status, text);
        const code = /problem\+json/.test(response.headers["content-type"] ?? "") ? problemCode(text) : undefined;
        resolve({ tag, target, startedAt, endedAt: clock(), status, ...(code ? { code } : {}) });
      });
    });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
    request.on("error", fail);
    request.end(spec.body);
  });
}

function problemCode(text: string): string | undefined {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs a load and resolves with every outcome once the duration is over and
 * the last request in flight has been answered.
 *
 * @example
 * const run = await runLoad({ concurrency: 16, durationMs: 5_000, next: () => ({ url: `${api}/api/v1/posts` }) });
 * run.summary().statuses; // { "200": 7412 }
 */
export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = performance.now();
  const clock = () => performance.now() - started;
  const outcomes: Outcome[] = [];
  let issued = 0;
  let skipped = 0;
  const over = () => clock() >= options.durationMs || options.signal?.aborted === true || issued >= (options.requests ?? Number.POSITIVE_INFINITY);
  // One pool per run, as large as the most requests it can have in flight.
  // A timeout makes the pool honour the server's Keep-Alive hint: idle
  // connections are dropped a second before the server would close them.
  const agent = new http.Agent({ keepAlive: true, timeout: 60_000, maxSockets: options.ratePerSecond !== undefined ? (options.maxInFlight ?? 256) : (options.concurrency ?? 1) });
  const userAgent = options.userAgent ?? "authbridge-reliability";
  const one = async () => {
    const spec = options.next(issued++);
    outcomes.push(await send({ ...spec, headers: { "user-agent": userAgent, ...spec.headers } }, agent, timeoutMs, clock));
  };
  const marks: Record<string, number> = {};
  const actions = (options.actions ?? []).map(
    (action) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          marks[action.name] = clock();
          Promise.resolve()
            .then(action.run)
            .then(() => resolve(), reject);
        }, action.atMs);
      }),
  );
  // A failed action fails the run once the load is over (awaited below), not the process now.
  for (const action of actions) action.catch(() => undefined);

  if (options.ratePerSecond !== undefined) {
    const rate = options.ratePerSecond;
    const maxInFlight = options.maxInFlight ?? 256;
    const pending = new Set<Promise<void>>();
    let due = 0;
    while (!over()) {
      const target = Math.floor((clock() / 1000) * rate);
      for (; due < target && !over(); due += 1) {
        if (pending.size >= maxInFlight) {
          skipped += 1;
          continue;
        }
        const request: Promise<void> = one().finally(() => pending.delete(request));
        pending.add(request);
      }
      await sleep(Math.max(1, Math.min(20, 1000 / rate)));
    }
    await Promise.all(pending);
  } else {
    const workers = Array.from({ length: options.concurrency ?? 1 }, async () => {
      while (!over()) await one();
    });
    await Promise.all(workers);
  }
  const elapsedMs = clock();
  agent.destroy();
  await Promise.all(actions);
  return { outcomes, skipped, marks, elapsedMs, summary: (filter) => summarize(filter ? outcomes.filter(filter) : outcomes, elapsedMs) };
}
