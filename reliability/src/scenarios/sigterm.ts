// SIGTERM under load, for both services at once, in the two ways instances
// are reached:
//
//   direct          clients connect to the instance itself: the requests it
//                   holds are answered, and once its port is closed new
//                   connections are refused; nothing it accepted is cut.
//   behindBalancer  clients go through fronts that route on /readyz; with
//                   SHUTDOWN_DELAY_MS longer than the probe interval, the
//                   fronts stop routing to the instance before it closes, so
//                   clients see no error at all.
//
// Writes are counted in the database: a row exists for every 201 and for
// nothing else.
import { randomBytes } from "node:crypto";
import type { Fleet } from "../fleet.js";
import type { ServiceInstance } from "../instance.js";
import { runLoad, type Outcome } from "../load.js";
import type { LoadSummary } from "../stats.js";
import { fetchToken, signUpUser, type FleetUser } from "../users.js";
import { apiRead, apiWrite, countPosts, tokenRequest } from "../workload.js";

export interface SigtermOptions {
  auth: number;
  resource: number;
  concurrency: number;
  durationMs: number;
  termAtMs: number;
}

export interface WriteCheck {
  /** POSTs answered 201. */
  created: number;
  /** Rows with this run's titles: equal to `created` when no write was lost or half-done. */
  rows: number;
}

export interface DirectSigtermResult {
  /** Requests that were in flight when SIGTERM was sent, and how they ended. */
  inFlight: LoadSummary;
  /** Requests sent after SIGTERM: answered while draining, or refused once the port closed. */
  afterTerm: LoadSummary;
  all: LoadSummary;
  /** Per terminated instance, during the run: requests its application saw (logged) and answers its clients got from it. */
  instances: Array<{ name: string; requestsLogged: number; answersReceived: number; exitCode: number | null }>;
  writes: WriteCheck;
}

export interface BalancedSigtermResult {
  all: LoadSummary;
  /** Per terminated instance: requests it answered between SIGTERM and its exit (it keeps serving during the delay), and its exit code. */
  servedWhileDraining: Array<{ name: string; requests: number; exitCode: number | null }>;
  writes: WriteCheck;
}

interface Clients {
  users: FleetUser[];
  tokens: string[];
}

async function clients(fleet: Fleet, count: number): Promise<Clients> {
  const first = fleet.auth[0];
  if (!first) throw new Error("the fleet has no auth-service instance");
  const users = await Promise.all(Array.from({ length: count }, () => signUpUser(first.url, fleet.issuer, "sigterm")));
  const tokens = await Promise.all(users.map((user) => fetchToken(first.url, fleet.issuer, user)));
  return { users, tokens };
}

/** One request of the mix: a token (1 in 5), a write (1 in 5) or a read. */
function mixed(n: number, authUrl: string, apiUrl: string, issuer: string, state: Clients, prefix: string) {
  const index = n % state.users.length;
  const user = state.users[index] as FleetUser;
  const token = state.tokens[index] as string;
  switch (n % 5) {
    case 0:
      return tokenRequest(authUrl, issuer, user, (next) => (state.tokens[index] = next));
    case 1:
      return apiWrite(apiUrl, token, `${prefix}${n}`);
    default:
      return apiRead(apiUrl, token, n);
  }
}

function instancesOf(fleet: Fleet, options: SigtermOptions): [ServiceInstance, ServiceInstance] {
  const auth = fleet.auth[options.auth];
  const resource = fleet.resource[options.resource];
  if (!auth || !resource) throw new Error("the fleet lacks the instances this scenario needs");
  return [auth, resource];
}

async function writeCheck(fleet: Fleet, outcomes: readonly Outcome[], prefix: string): Promise<WriteCheck> {
  const created = outcomes.filter((o) => o.tag === "write" && o.status === 201).length;
  return { created, rows: await countPosts(fleet.resourceDatabase.url, prefix) };
}

export async function sigtermDirect(fleet: Fleet, options: SigtermOptions): Promise<DirectSigtermResult> {
  const [auth, resource] = instancesOf(fleet, options);
  const state = await clients(fleet, 4);
  const prefix = `sigterm-direct-${randomBytes(4).toString("hex")}-`;
  const exitCodes = new Map<string, number | null>();
  const terminate = async (instance: ServiceInstance) => exitCodes.set(instance.name, await instance.signal("SIGTERM"));
  const userAgent = `reliability-${prefix}`;
  const run = await runLoad({
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    userAgent,
    actions: [{ name: "term", atMs: options.termAtMs, run: () => Promise.all([terminate(auth), terminate(resource)]) }],
    next: (n) => mixed(n, auth.url, resource.url, fleet.issuer, state, prefix),
  });
  const termAt = run.marks.term ?? 0;
  return {
    inFlight: run.summary((o) => o.startedAt < termAt && o.endedAt >= termAt),
    afterTerm: run.summary((o) => o.startedAt >= termAt),
    all: run.summary(),
    instances: [auth, resource].map((instance) => ({
      name: instance.name,
      requestsLogged: instance.requestsFrom(userAgent),
      answersReceived: run.outcomes.filter((o) => o.target === instance.url && o.status !== undefined).length,
      exitCode: exitCodes.get(instance.name) ?? null,
    })),
    writes: await writeCheck(fleet, run.outcomes, prefix),
  };
}

export async function sigtermBehindBalancer(fleet: Fleet, options: SigtermOptions): Promise<BalancedSigtermResult> {
  const [auth, resource] = instancesOf(fleet, options);
  const state = await clients(fleet, 4);
  const prefix = `sigterm-balanced-${randomBytes(4).toString("hex")}-`;
  const userAgent = `reliability-${prefix}`;
  const drained = new Map<string, { requests: number; exitCode: number | null }>();
  const terminate = async (instance: ServiceInstance) => {
    const before = instance.requestsFrom(userAgent);
    const exitCode = await instance.signal("SIGTERM");
    drained.set(instance.name, { requests: instance.requestsFrom(userAgent) - before, exitCode });
  };
  const run = await runLoad({
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    userAgent,
    actions: [{ name: "term", atMs: options.termAtMs, run: () => Promise.all([terminate(auth), terminate(resource)]) }],
    next: (n) => mixed(n, fleet.authFront.url, fleet.apiFront.url, fleet.issuer, state, prefix),
  });
  return {
    all: run.summary(),
    servedWhileDraining: [auth, resource].map((instance) => ({ name: instance.name, requests: 0, exitCode: null, ...drained.get(instance.name) })),
    writes: await writeCheck(fleet, run.outcomes, prefix),
  };
}
