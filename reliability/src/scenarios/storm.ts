// An unknown-kid storm: hundreds of tokens with random kids within a few
// seconds at every resource-service instance, while valid clients keep
// calling. Each instance may refetch the JWKS at most once per cooldown, and
// the valid clients' latency is reported before and during the storm.
import type { Fleet } from "../fleet.js";
import { unknownKidToken } from "../forged.js";
import { runLoad } from "../load.js";
import type { LoadSummary } from "../stats.js";
import { fetchToken, signUpUser } from "../users.js";
import { apiRead } from "../workload.js";

export interface StormOptions {
  /** Valid requests per second (over every instance), before and during the storm. */
  validRate: number;
  /** Forged tokens sent in the storm (over every instance). */
  stormTokens: number;
  /** Length of the calm phase and of the storm, each. */
  phaseMs: number;
  /** The instances' AUTH_JWKS_COOLDOWN_SECONDS, in ms. */
  cooldownMs: number;
}

export interface StormResult {
  before: LoadSummary;
  during: LoadSummary;
  storm: LoadSummary;
  /** JWKS fetches each instance made during the storm, by index, and the most one per cooldown allows over its span. */
  fetchesDuringStorm: number[];
  maxFetches: number;
  /** From the first forged token sent to the last answered (a busy machine stretches it). */
  stormSpanMs: number;
}

export async function unknownKidStorm(fleet: Fleet, options: StormOptions): Promise<StormResult> {
  const first = fleet.auth[0];
  if (!first) throw new Error("the fleet has no auth-service instance");
  const user = await signUpUser(first.url, fleet.issuer, "storm");
  const token = await fetchToken(first.url, fleet.issuer, user);
  const instances = fleet.resource;
  const valid = (tag: string, durationMs = options.phaseMs) =>
    runLoad({
      ratePerSecond: options.validRate,
      durationMs,
      maxInFlight: 64,
      next: (n) => apiRead((instances[n % instances.length] ?? instances[0])?.url ?? "", token, n, tag),
    });

  await valid("warm-up", 1_000); // JIT and connection pools, not reported
  const before = await valid("valid");
  const fetchesBefore = instances.map((_, index) => fleet.jwksFetches(index));
  const [during, storm] = await Promise.all([
    valid("valid"),
    runLoad({
      ratePerSecond: Math.ceil(options.stormTokens / (options.phaseMs / 1000)),
      // Ends when every forged token is sent (a busy machine may take longer than the phase).
      durationMs: options.phaseMs * 10,
      requests: options.stormTokens,
      maxInFlight: 64,
      next: (n) => {
        const instance = instances[n % instances.length];
        return { url: `${instance?.url}/api/v1/users/me`, headers: { authorization: `Bearer ${unknownKidToken(fleet.issuer, fleet.audience)}` }, tag: "storm" };
      },
    }),
  ]);
  const stormSpanMs = Math.round(Math.max(...storm.outcomes.map((o) => o.endedAt)) - Math.min(...storm.outcomes.map((o) => o.startedAt)));
  return {
    before: before.summary(),
    during: during.summary(),
    storm: storm.summary(),
    fetchesDuringStorm: instances.map((_, index) => fleet.jwksFetches(index) - (fetchesBefore[index] ?? 0)),
    maxFetches: Math.floor(stormSpanMs / options.cooldownMs) + 1,
    stormSpanMs,
  };
}
