// The auth-service down (killed) for longer than the verifiers' JWKS cache
// lifetime, while clients keep calling the resource-service instances with
// valid tokens and a trickle of tokens with unknown kids:
//
//   - valid tokens with known keys keep being accepted, also after the cached
//     keys went stale (stale-if-error);
//   - unknown kids are refused (503 once the issuer is known to be down: the kid
//     may be a key created since), with at most one JWKS attempt per cooldown;
//   - each instance logs the outage once, and its end once;
//   - once the auth-service is back, a key created during the outage (an
//     immediate rotation) is fetched and its tokens are accepted.
import type { Fleet } from "../fleet.js";
import { unknownKidToken } from "../forged.js";
import { runLoad } from "../load.js";
import type { LoadSummary } from "../stats.js";
import { fetchToken, signUpUser, tokenKid } from "../users.js";
import { apiRead } from "../workload.js";

export interface OutageOptions {
  /** How long the auth-service stays down; longer than the JWKS cache lifetime to exercise stale-if-error. */
  outageMs: number;
  /** The verifiers' JWKS cache lifetime (the auth-service's JWKS_MAX_AGE_SECONDS, at least 30 s), in ms. */
  cacheLifetimeMs: number;
  /** The verifiers' AUTH_JWKS_COOLDOWN_SECONDS, in ms. */
  cooldownMs: number;
  validRate: number;
  unknownRate: number;
  /** How long to wait, after the auth-service is back, for every instance to have fetched the keys again. */
  recoveryTimeoutMs: number;
}

export interface OutageResult {
  outageMs: number;
  /** Valid-token requests during the outage. */
  valid: LoadSummary;
  /** Those sent once the cached keys were stale (served by stale-if-error). */
  validWhileStale: LoadSummary;
  unknownKids: LoadSummary;
  /** JWKS requests each instance made during the outage (all failed), by index, and the most the cooldown allows. */
  fetchAttempts: number[];
  maxAttempts: number;
  /** Log lines per instance: the outage, and its end. */
  outageLogged: number[];
  recoveryLogged: number[];
  /** After the return, per instance: whether a token signed with the key created during the outage was accepted, and how often it was refused first. */
  newKeyAccepted: boolean[];
  newKeyRefusedFirst: number[];
  newKeyIsNew: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Calls `apiUrl` with `token` every 250 ms until it is accepted or `timeoutMs` passed; counts the refusals. */
async function untilAccepted(apiUrl: string, token: string, timeoutMs: number): Promise<{ accepted: boolean; refused: number }> {
  const deadline = Date.now() + timeoutMs;
  let refused = 0;
  for (;;) {
    const response = await fetch(`${apiUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.body?.cancel();
    if (response.status === 200) return { accepted: true, refused };
    refused += 1;
    if (Date.now() >= deadline) return { accepted: false, refused };
    await sleep(250);
  }
}
const UNREACHABLE = "the issuer's JWKS is unreachable";
const REACHABLE = "the issuer's JWKS is reachable again";

export async function authOutage(fleet: Fleet, options: OutageOptions): Promise<OutageResult> {
  const auth = fleet.auth[0];
  if (!auth || fleet.auth.length !== 1) throw new Error("this scenario takes down the only auth-service instance");
  const instances = fleet.resource;
  const user = await signUpUser(auth.url, fleet.issuer, "outage");
  const token = await fetchToken(auth.url, fleet.issuer, user);
  // Every instance has fetched the keys once: the cache lifetime counts from here.
  for (const instance of instances) {
    const response = await fetch(`${instance.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.body?.cancel();
    if (response.status !== 200) throw new Error(`${instance.name} refused a valid token before the outage (${response.status})`);
  }

  await auth.signal("SIGKILL");
  const attemptsBefore = instances.map((_, index) => fleet.jwksFetches(index));
  const pick = (n: number) => (instances[n % instances.length] ?? instances[0])?.url ?? "";
  const [valid, unknownKids] = await Promise.all([
    runLoad({
      ratePerSecond: options.validRate,
      maxInFlight: 32,
      durationMs: options.outageMs,
      // During the outage an incident rotation creates a key (the database is up).
      actions: [{ name: "rotate", atMs: 0, run: () => fleet.keys("rotate", "--immediate") }],
      next: (n) => apiRead(pick(n), token, n, "valid"),
    }),
    runLoad({
      ratePerSecond: options.unknownRate,
      maxInFlight: 32,
      durationMs: options.outageMs,
      next: (n) => ({ url: `${pick(n)}/api/v1/users/me`, headers: { authorization: `Bearer ${unknownKidToken(fleet.issuer, fleet.audience)}` }, tag: "unknown" }),
    }),
  ]);
  const fetchAttempts = instances.map((_, index) => fleet.jwksFetches(index) - (attemptsBefore[index] ?? 0));

  await auth.start();
  // Back: clients get tokens signed with the new key, which each instance
  // fetches on its unknown kid once its cooldown since the last failed attempt
  // allows (a request earlier than that is refused, and counted).
  const fresh = await fetchToken(auth.url, fleet.issuer, user);
  const recovery = await Promise.all(instances.map((instance) => untilAccepted(instance.url, fresh, options.recoveryTimeoutMs)));
  const staleFrom = options.cacheLifetimeMs + 1_000;
  return {
    outageMs: options.outageMs,
    valid: valid.summary(),
    validWhileStale: valid.summary((o) => o.startedAt >= staleFrom),
    unknownKids: unknownKids.summary(),
    fetchAttempts,
    maxAttempts: Math.floor(options.outageMs / options.cooldownMs) + 1,
    outageLogged: instances.map((instance) => instance.logged(UNREACHABLE)),
    // The log line is written before the answer, but read from another pipe.
    recoveryLogged: await Promise.all(instances.map((instance) => instance.waitForLog(REACHABLE, 2_000))),
    newKeyAccepted: recovery.map((result) => result.accepted),
    newKeyRefusedFirst: recovery.map((result) => result.refused),
    newKeyIsNew: tokenKid(fresh) !== tokenKid(token),
  };
}
