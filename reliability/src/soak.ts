// The soak run: the pair under a steady load for a minute. Capacity is
// measured first, in the same run (a closed loop of 32 clients on the same
// mix), then the load runs at a fraction of it (70%), open-loop, while the
// services' resident memory is sampled.
//
// The mix is what signed-in clients do: 60% authenticated reads on the
// resource-service, 30% writes (new posts), 10% fresh tokens from the
// auth-service (each client's next calls use the token it got).
import type { Fleet } from "./fleet.js";
import { runLoad, type RequestSpec } from "./load.js";
import { failures, type LoadSummary } from "./stats.js";
import { fetchToken, signUpUser, type FleetUser } from "./users.js";
import { apiRead, apiWrite, tokenRequest } from "./workload.js";

export interface SoakOptions {
  warmUpMs: number;
  capacityMs: number;
  soakMs: number;
  /** The share of the measured capacity to soak at. */
  fraction: number;
  users: number;
  /** RSS is sampled this often during the soak. */
  sampleEveryMs: number;
}

export interface RssSample {
  atMs: number;
  /** kB per process name. */
  kb: Record<string, number>;
}

export interface SoakResult {
  capacity: LoadSummary;
  targetRate: number;
  soak: LoadSummary;
  errors: number;
  /** Requests the open loop did not send because 256 were in flight (the target was too high). */
  skipped: number;
  /** Per process: RSS in kB when the soak started and when it ended, and every sample between. */
  rss: Array<{ name: string; pid: number | undefined; startKb: number; endKb: number; peakKb: number }>;
  samples: RssSample[];
}

function mix(fleet: Fleet, users: FleetUser[], tokens: string[]): (n: number) => RequestSpec {
  const auth = fleet.auth[0];
  const api = fleet.resource[0];
  if (!auth || !api) throw new Error("the soak needs an auth-service and a resource-service instance");
  return (n) => {
    const index = n % users.length;
    const slot = n % 10;
    if (slot === 0) return tokenRequest(auth.url, fleet.issuer, users[index] as FleetUser, (token) => (tokens[index] = token));
    const token = tokens[index] as string;
    return slot <= 3 ? apiWrite(api.url, token, `soak-${n}`) : apiRead(api.url, token, n);
  };
}

const rssOf = (fleet: Fleet) => Object.fromEntries([...fleet.auth, ...fleet.resource].map((instance) => [instance.name, instance.rssKb() ?? 0]));

export async function soak(fleet: Fleet, options: SoakOptions, log: (line: string) => void = () => {}): Promise<SoakResult> {
  const auth = fleet.auth[0];
  if (!auth) throw new Error("the soak needs an auth-service instance");
  const users = await Promise.all(Array.from({ length: options.users }, () => signUpUser(auth.url, fleet.issuer, "soak")));
  const tokens = await Promise.all(users.map((user) => fetchToken(auth.url, fleet.issuer, user)));
  const next = mix(fleet, users, tokens);

  log(`warming up for ${options.warmUpMs / 1000} s`);
  await runLoad({ concurrency: 16, durationMs: options.warmUpMs, next });
  log(`measuring capacity for ${options.capacityMs / 1000} s (32 clients, closed loop)`);
  const capacity = (await runLoad({ concurrency: 32, durationMs: options.capacityMs, next })).summary();
  const targetRate = Math.max(1, Math.round(capacity.rate * options.fraction));
  log(`capacity ${capacity.rate} requests/s (p99 ${capacity.p99} ms); soaking at ${targetRate}/s for ${options.soakMs / 1000} s`);

  const samples: RssSample[] = [{ atMs: 0, kb: rssOf(fleet) }];
  const sampling = setInterval(() => samples.push({ atMs: samples.length * options.sampleEveryMs, kb: rssOf(fleet) }), options.sampleEveryMs);
  let run;
  try {
    run = await runLoad({ ratePerSecond: targetRate, maxInFlight: 256, durationMs: options.soakMs, next });
  } finally {
    clearInterval(sampling);
  }
  samples.push({ atMs: Math.round(run.elapsedMs), kb: rssOf(fleet) });
  const summary = run.summary();
  const first = samples[0]?.kb ?? {};
  const last = samples.at(-1)?.kb ?? {};
  return {
    capacity,
    targetRate,
    soak: summary,
    errors: failures(summary),
    skipped: run.skipped,
    rss: [...fleet.auth, ...fleet.resource].map((instance) => ({
      name: instance.name,
      pid: instance.pid,
      startKb: first[instance.name] ?? 0,
      endKb: last[instance.name] ?? 0,
      peakKb: Math.max(...samples.map((sample) => sample.kb[instance.name] ?? 0)),
    })),
    samples,
  };
}
