// What is measured: the five paths of the issue, each ours against its peer, and the checks
// that both sides of a row really answer the same thing before any load is sent.
import { isDeepStrictEqual } from "node:util";
import type { Target } from "./measure.js";
import type { Comparison } from "./report/summary.js";
import type { Stack } from "./stack.js";

export interface Credentials {
  /** A bearer token of the reader, from our auth-service. */
  token: string;
  /** Session cookies: ours (default), ours with Redis, and peer 2's. */
  cookies: { auth: string; authRedis: string | undefined; betterAuth: string };
  posts: { ownPrivateId: string; publicId: string };
}

export interface Plan {
  /** Targets by path, measured back to back within a round. */
  groups: Target[][];
  comparisons: Comparison[];
  /** Requests that must answer 200 with the same JSON on both sides (or the given status). */
  checks: Array<{ what: string; targets: Target[]; status: number; sameBody: boolean }>;
}

const POST_READ = { minRatio: 0.75, maxP99Ratio: 2 };
const TOKENS = { minRatio: 1 };

export function plan(stack: Stack, c: Credentials): Plan {
  const bearer = { authorization: `Bearer ${c.token}` };
  const t = (key: string, process: Target["process"], path: string, headers: Record<string, string> = {}): Target => ({ key, process, path, headers });
  const cookie = (process: Target["process"], value: string) => ({ cookie: value, origin: process.url });

  const readOwn = [t("ours: post, bearer", stack.resource, `/api/v1/posts/${c.posts.ownPrivateId}`, bearer), t("peer 1: post, bearer", stack.resourcePeer, `/api/v1/posts/${c.posts.ownPrivateId}`, bearer)] as const;
  const readPublic = [t("ours: post, anonymous", stack.resource, `/api/v1/posts/${c.posts.publicId}`), t("peer 1: post, anonymous", stack.resourcePeer, `/api/v1/posts/${c.posts.publicId}`)] as const;
  const list = [t("ours: list, bearer", stack.resource, "/api/v1/posts", bearer), t("peer 1: list, bearer", stack.resourcePeer, "/api/v1/posts", bearer)] as const;
  const tokens = t("ours: token", stack.auth, "/api/auth/token", cookie(stack.auth, c.cookies.auth));
  const tokensPeer = t("peer 2: token", stack.betterAuthPeer, "/api/auth/token", cookie(stack.betterAuthPeer, c.cookies.betterAuth));
  const tokensRedis = stack.authRedis && c.cookies.authRedis ? t("ours (REDIS_URL): token", stack.authRedis, "/api/auth/token", cookie(stack.authRedis, c.cookies.authRedis)) : undefined;
  const health = [t("ours: healthz", stack.resource, "/healthz"), t("bare Express: healthz", stack.bareExpress, "/healthz")] as const;

  const vs = (path: string, [ours, peer]: readonly [Target, Target], oursName: string, peerName: string, goal: Comparison["goal"]): Comparison => ({
    path,
    ours: { key: ours.key, name: oursName },
    peer: { key: peer.key, name: peerName },
    goal,
  });
  const comparisons = [
    vs("1. GET /api/v1/posts/:id, bearer token (own private post)", readOwn, "resource-service", "peer 1", POST_READ),
    vs("2. GET /api/v1/posts/:id, anonymous (public post)", readPublic, "resource-service", "peer 1", POST_READ),
    vs("3. GET /api/v1/posts, first page of 20, bearer token", list, "resource-service", "peer 1", POST_READ),
    vs("4. GET /api/auth/token, session cookie", [tokens, tokensPeer], "auth-service", "peer 2", TOKENS),
    ...(tokensRedis ? [vs("4b. GET /api/auth/token, session cookie, sessions in Redis", [tokensRedis, tokensPeer], "auth-service (REDIS_URL)", "peer 2", TOKENS)] : []),
    vs("5. GET /healthz", health, "resource-service", "bare Express", {}),
  ];
  return {
    groups: [[...readOwn], [...readPublic], [...list], [tokens, tokensPeer, ...(tokensRedis ? [tokensRedis] : [])], [...health]],
    comparisons,
    checks: [
      { what: "the reader's private post, with their token", targets: [...readOwn], status: 200, sameBody: true },
      { what: "the reader's private post, anonymously", targets: readOwn.map((target) => ({ ...target, headers: {} })), status: 404, sameBody: false },
      { what: "a public post, anonymously", targets: [...readPublic], status: 200, sameBody: true },
      { what: "the first page of posts, with the reader's token", targets: [...list], status: 200, sameBody: true },
      { what: "a token for the session cookie", targets: [tokens, tokensPeer, ...(tokensRedis ? [tokensRedis] : [])], status: 200, sameBody: false },
      { what: "/healthz", targets: [...health], status: 200, sameBody: true },
    ],
  };
}

/** Sends each check's request once to every target; throws on a wrong status or differing bodies. */
export async function runChecks(checks: Plan["checks"]): Promise<void> {
  for (const check of checks) {
    const answers = await Promise.all(
      check.targets.map(async (target) => {
        const response = await fetch(`${target.process.url}${target.path}`, { headers: target.headers });
        const text = await response.text();
        if (response.status !== check.status) throw new Error(`Check "${check.what}": ${target.key} answered ${response.status}, not ${check.status}: ${text.slice(0, 300)}`);
        return text ? (JSON.parse(text) as unknown) : undefined;
      }),
    );
    if (check.sameBody && !answers.every((answer) => isDeepStrictEqual(answer, answers[0]))) {
      throw new Error(`Check "${check.what}": the answers differ:\n${answers.map((answer) => JSON.stringify(answer).slice(0, 600)).join("\n")}`);
    }
  }
}

/** The plan cut down to some rows (BENCH_ROWS): their comparisons, their targets and their checks. */
export function selectRows(full: Plan, rows: Set<string> | undefined): Plan {
  if (!rows) return full;
  const comparisons = full.comparisons.filter((comparison) => rows.has(comparison.path.split(".")[0] ?? ""));
  const keys = new Set(comparisons.flatMap((comparison) => [comparison.ours.key, comparison.peer.key]));
  return {
    comparisons,
    groups: full.groups.map((group) => group.filter((target) => keys.has(target.key))).filter((group) => group.length > 0),
    checks: full.checks.map((check) => ({ ...check, targets: check.targets.filter((target) => keys.has(target.key)) })).filter((check) => check.targets.length > 0),
  };
}
