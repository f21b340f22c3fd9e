// The verifier's synchronous fast path (a token it has verified before), in
// calls per second: without an observer, and with one that counts like the
// resource-service's metrics binding. CPU only: no HTTP, one process, so the
// numbers move less than the HTTP benchmark's. Run from the repository root:
//   node --conditions=source --import tsx verifier/bench/fast-path.ts
// BENCH_VERIFIER=<path to another copy's core/index.ts> measures that copy
// instead (for example a previous commit's, checked out next to this one);
// BENCH_CALLS (default 1,000,000) and BENCH_ROUNDS (default 7) size the run.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startTestIssuer } from "../src/testing/index.js";

type Core = typeof import("../src/core/index.js");

const calls = Number(process.env.BENCH_CALLS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const core: Core = process.env.BENCH_VERIFIER
  ? ((await import(pathToFileURL(path.resolve(process.env.BENCH_VERIFIER)).href)) as Core)
  : await import("../src/core/index.js");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function measure(name: string, observe: boolean): Promise<void> {
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
    const perSecond: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const start = performance.now();
      for (let call = 0; call < calls; call += 1) {
        if (!verifier.verifyCached(token)) throw new Error("the fast path missed");
      }
      perSecond.push(calls / ((performance.now() - start) / 1000));
    }
    const runs = perSecond.map((value) => Math.round(value / 1000));
    process.stdout.write(`${name}: ${Math.round(median(perSecond) / 1000)}k calls/s (median of ${rounds} rounds of ${calls}; rounds ${runs.join(", ")}k)\n`);
    if (observe && counts.accepted !== rounds * calls + 1) throw new Error(`the observer heard ${counts.accepted} acceptances`);
  } finally {
    await issuer.stop();
  }
}

process.stdout.write(`verifier: ${process.env.BENCH_VERIFIER ?? "this checkout"}; Node ${process.version}\n`);
await measure("verifyCached, no observer", false);
if (!process.env.BENCH_VERIFIER || process.env.BENCH_OBSERVE === "1") await measure("verifyCached, counting observer", true);
