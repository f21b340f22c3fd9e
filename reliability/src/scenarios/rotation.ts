// Key rotation under load: clients keep fetching tokens from every
// auth-service instance and calling every resource-service instance with
// them, while an operator rotates the signing key twice (`keys rotate`, the
// scheduled kind: published now, signing after JWT_KEY_PUBLISH_AHEAD_SECONDS).
// The run lasts until the third key has been signing for a while. Goal: no
// valid request rejected; the JWKS fetches of each resource-service instance
// are counted.
import type { Fleet } from "../fleet.js";
import { runLoad } from "../load.js";
import type { LoadSummary } from "../stats.js";
import { fetchToken, signUpUser, tokenKid, type FleetUser } from "../users.js";
import { apiRead, apiWrite, tokenRequest } from "../workload.js";

export interface RotationOptions {
  /** When the first `keys rotate` runs, into the load. */
  firstRotationAtMs: number;
  /** How long after the first one has finished the second one runs. */
  secondRotationAfterMs: number;
  /** The auth-service's JWT_KEY_PUBLISH_AHEAD_SECONDS, in ms. */
  publishAheadMs: number;
  /** How long the load goes on once the third key signs. */
  tailMs: number;
  /** Requests per second: one in `tokenEvery` fetches a token, the rest call the resource-service. */
  rate: number;
  tokenEvery: number;
  users: number;
}

export interface RotationResult {
  /** The three keys, in the order they signed. */
  kids: string[];
  /** Resource-service requests, all keys together, and those refused with 401. */
  api: LoadSummary;
  rejected: number;
  /** Accepted resource-service requests per key (index into `kids`). */
  acceptedPerKey: number[];
  /** Token requests to the auth-service instances. */
  tokens: LoadSummary;
  /** JWKS fetches per resource-service instance during the run. */
  jwksFetches: number[];
  /** `keys list` at the end. */
  keysListed: string;
  /** Requests not sent because 16 were already in flight (the machine was too busy for the rate). */
  skipped: number;
  durationMs: number;
}

const createdKid = (output: string) => /Created key (\S+):/.exec(output)?.[1] ?? "";

export async function rotationUnderLoad(fleet: Fleet, options: RotationOptions): Promise<RotationResult> {
  const first = fleet.auth[0];
  if (!first) throw new Error("the fleet has no auth-service instance");
  const users: FleetUser[] = await Promise.all(Array.from({ length: options.users }, () => signUpUser(first.url, fleet.issuer, "rotation")));
  const tokens = await Promise.all(users.map((user) => fetchToken(first.url, fleet.issuer, user)));
  const kids = [tokenKid(tokens[0] ?? "")];
  const fetchesBefore = fleet.resource.map((_, index) => fleet.jwksFetches(index));

  // Ends `tailMs` after the first token signed with the third key comes back.
  const stop = new AbortController();
  let thirdSeen = false;
  const onToken = (index: number) => (token: string) => {
    tokens[index] = token;
    if (!thirdSeen && kids.length === 3 && tokenKid(token) === kids[2]) {
      thirdSeen = true;
      setTimeout(() => stop.abort(), options.tailMs);
    }
  };
  const rotate = async () => {
    kids.push(createdKid(await fleet.keys("rotate")));
  };
  const maxDurationMs = options.firstRotationAtMs + options.secondRotationAfterMs + options.publishAheadMs + options.tailMs + 60_000;
  const run = await runLoad({
    ratePerSecond: options.rate,
    // A busy machine skips requests (counted) rather than queueing them without bound.
    maxInFlight: 16,
    durationMs: maxDurationMs,
    signal: stop.signal,
    actions: [
      {
        name: "rotations",
        atMs: options.firstRotationAtMs,
        run: async () => {
          await rotate();
          await new Promise((resolve) => setTimeout(resolve, options.secondRotationAfterMs));
          await rotate();
        },
      },
    ],
    next: (n) => {
      const index = n % users.length;
      if (n % options.tokenEvery === 0) {
        const auth = fleet.auth[Math.floor(n / options.tokenEvery) % fleet.auth.length] ?? first;
        return tokenRequest(auth.url, fleet.issuer, users[index] as FleetUser, onToken(index));
      }
      const api = fleet.resource[n % fleet.resource.length]?.url ?? "";
      const token = tokens[index] ?? "";
      const tag = `api ${tokenKid(token)}`;
      return n % 7 === 1 ? apiWrite(api, token, `rotation-${n}`, tag) : apiRead(api, token, n, tag);
    },
  });
  const api = run.summary((o) => o.tag.startsWith("api "));
  return {
    kids,
    api,
    rejected: api.statuses["401"] ?? 0,
    acceptedPerKey: kids.map((kid) => run.outcomes.filter((o) => o.tag === `api ${kid}` && o.status !== undefined && o.status < 300).length),
    tokens: run.summary((o) => o.tag === "token"),
    jwksFetches: fleet.resource.map((_, index) => fleet.jwksFetches(index) - (fetchesBefore[index] ?? 0)),
    keysListed: await fleet.keys("list"),
    durationMs: Math.round(run.elapsedMs),
    skipped: run.skipped,
  };
}
