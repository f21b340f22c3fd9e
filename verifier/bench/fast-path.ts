// The verifier's synchronous fast path, from a request's token sources to its
// caller for a token it has verified before (`authenticate`: extraction, the
// cache, the time-based checks), in calls per second: without an observer,
// and with one that counts like the resource-service's metrics binding. CPU
// only: no HTTP, one process, so the numbers move less than the HTTP
// benchmark's. Run from the repository root:
//   node --conditions=source --import tsx verifier/bench/fast-path.ts
// It also counts young-generation collections per million calls, a measure of
// what the calls allocate; V8 sizes the young generation as it goes, so fix
// it to compare runs: node --min-semi-space-size=16 --max-semi-space-size=16 ...
// BENCH_VERIFIER=<path to another copy's core/index.ts> measures that copy
// instead (for example a previous commit's, checked out next to this one; for
// a copy from before `authenticate`, extractBearerToken then verifyCached);
// BENCH_CALLS (default 1,000,000) and BENCH_ROUNDS (default 7) size the run.
import path from "node:path";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { startTestIssuer } from "../src/testing/index.js";

type Core = typeof import("../src/core/index.js");
type TokenSource = import("../src/core/index.js").TokenSource;
/** A copy from before `authenticate`: its Express adapter extracted the token, then called verifyCached. */
interface EarlierVerifier {
  verifyCached(token: string): unknown;
}

const calls = Number(process.env.BENCH_CALLS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const core: Core = process.env.BENCH_VERIFIER
  ? ((await import(pathToFileURL(path.resolve(process.env.BENCH_VERIFIER)).href)) as Core)
  : await import("../src/core/index.js");

/** Young-generation collections so far: how much the calls allocate, independent of the machine's speed. */
let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if ((entry.detail as { kind?: number } | null)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1;
}).observe({ entryTypes: ["gc"] });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measure(observe: boolean): Promise<void> {
  const issuer = await startTestIssuer({ audience: "https://api.example.com" });
  try {
    const verifier = core.createVerifier({ issuer: issuer.issuer, audience: "https://api.example.com" });
    const counts = { accepted: 0, hits: 0, misses: 0 };
    if (observe) {
      if (!("observe" in verifier)) throw new Error("this copy of the verifier has no observe()");
      verifier.observe({
        tokenAccepted: () => {
          counts.accepted += 1;
        },
        tokenCacheLookup: (hit) => {
          if (hit) counts.hits += 1;
          else counts.misses += 1;
        },
      });
    }
    const token = await issuer.mint();
    await verifier.verify(token);
    const source: TokenSource = { authorization: [`Bearer ${token}`], queryToken: false };
    const current = "authenticate" in verifier;
    const authenticate: (source: TokenSource) => unknown = current
      ? (request) => verifier.authenticate(request)
      : (request) => (verifier as unknown as EarlierVerifier).verifyCached(core.extractBearerToken(request));
    const name = `${current ? "authenticate" : "extractBearerToken + verifyCached"}, cached token, ${observe ? "counting observer" : "no observer"}`;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const scavengesBefore = scavenges;
    const perSecond: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const start = performance.now();
      for (let call = 0; call < calls; call += 1) {
        const principal = authenticate(source);
        if (!principal || principal instanceof Promise) throw new Error("the fast path missed");
      }
      perSecond.push(calls / ((performance.now() - start) / 1000));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const perMillion = ((scavenges - scavengesBefore) / (rounds * calls)) * 1_000_000;
    const runs = perSecond.map((value) => Math.round(value / 1000));
    process.stdout.write(
      `${name}: ${Math.round(median(perSecond) / 1000)}k calls/s (median of ${rounds} rounds of ${calls}; rounds ${runs.join(", ")}k); ${perMillion.toFixed(1)} young-generation GCs per million calls\n`,
    );
    if (observe && counts.accepted !== rounds * calls + 1) throw new Error(`the observer heard ${counts.accepted} acceptances`);
  } finally {
    await issuer.stop();
  }
}

process.stdout.write(`verifier: ${process.env.BENCH_VERIFIER ?? "this checkout"}; Node ${process.version}\n`);
await measure(false);
if (!process.env.BENCH_VERIFIER || process.env.BENCH_OBSERVE === "1") await measure(true);
