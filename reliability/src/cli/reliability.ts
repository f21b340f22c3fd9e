// npm run reliability [-- fleet outage rotation] [-- --full]
//
// Runs the reliability scenarios (the same code the tests in
// reliability/test/*.test.ts assert on) and prints one table row per
// scenario, the rows RELIABILITY.md quotes. Each group starts its own fleet:
//
//   fleet     2 auth-service + 2 resource-service: shared rate limits, tokens
//             across instances, unknown-kid storm, SIGKILL, SIGTERM behind balancers
//   outage    1 auth-service + 2 resource-service: the auth-service down past the
//             key cache lifetime, then SIGTERM with clients connected directly
//   rotation  2 + 2: the signing key rotated twice under load
//
// --full: the outage lasts 3 minutes, and the rotations run one after the
// other with JWKS_MAX_AGE_SECONDS=30 and a publish-ahead of 90 s (the verifiers
// learn each key in their normal refresh cycle) instead of the CI settings.
// Results also go to artifacts/reliability-<time>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@authbridge/devstack";
import { withTestDatabases } from "@authbridge/devstack/testing/runner";
import { startFleet, type Fleet, type FleetOptions } from "../fleet.js";
import { crossInstanceTokens } from "../scenarios/cross-instance.js";
import { killUnderLoad } from "../scenarios/kill.js";
import { authOutage } from "../scenarios/outage.js";
import { hammerSignIn } from "../scenarios/rate-limit.js";
import { rotationUnderLoad } from "../scenarios/rotation.js";
import { sigtermBehindBalancer, sigtermDirect } from "../scenarios/sigterm.js";
import { unknownKidStorm } from "../scenarios/storm.js";
import { failures, type LoadSummary } from "../stats.js";

interface Row {
  scenario: string;
  result: string;
  details: unknown;
}

const args = process.argv.slice(2);
const full = args.includes("--full");
const groups = args.filter((arg) => !arg.startsWith("--"));
const wanted = (group: string) => groups.length === 0 || groups.includes(group);
const command = (group: string) => `npm run reliability -- ${group}${full && group !== "fleet" ? " --full" : ""}`;
const log = (line: string) => process.stderr.write(`[reliability] ${line}\n`);
const rows: Array<Row & { command: string }> = [];
const latency = (summary: LoadSummary) => `p50 ${summary.p50} ms, p99 ${summary.p99} ms`;

async function withFleet(group: string, options: FleetOptions, run: (fleet: Fleet) => Promise<Row[]>): Promise<void> {
  if (!wanted(group)) return;
  log(`${group}: starting the fleet`);
  const fleet = await startFleet(options);
  try {
    for (const row of await run(fleet)) {
      log(`${row.scenario}: ${row.result}`);
      rows.push({ ...row, command: command(group) });
    }
  } finally {
    await fleet.stop();
  }
}

await withTestDatabases(async () => {
  const limit = 10;
  const cooldownSeconds = 5;
  await withFleet(
    "fleet",
    {
      authEnv: { AUTH_RATE_LIMIT_MAX: String(limit), SHUTDOWN_DELAY_MS: "1000" },
      resourceEnv: { AUTH_JWKS_COOLDOWN_SECONDS: String(cooldownSeconds), SHUTDOWN_DELAY_MS: "1000" },
    },
    async (fleet) => {
      const limited = await hammerSignIn(fleet, { attempts: 4 * limit, concurrency: 8 });
      const cross = await crossInstanceTokens(fleet);
      const storm = await unknownKidStorm(fleet, { validRate: 100, stormTokens: 400, phaseMs: 3_000, cooldownMs: cooldownSeconds * 1000 });
      const killed = await killUnderLoad(fleet, { victim: 0, concurrency: 16, durationMs: 3_000, killAtMs: 1_500 });
      await fleet.resource[0]?.start();
      const balanced = await sigtermBehindBalancer(fleet, { auth: 1, resource: 1, concurrency: 16, durationMs: 4_000, termAtMs: 1_000 });
      return [
        {
          scenario: "Sign-in hammered over 2 auth-service instances (one Redis)",
          result: `${limited.attempts} wrong-password sign-ins from one address, limit ${limit}: ${limited.passed} answered 401, ${limited.limited} answered 429 (${limited.limitedPerInstance.join(" + ")} per instance), ${limited.other} other`,
          details: limited,
        },
        {
          scenario: "Token from either auth-service instance at either resource-service instance",
          result: `${cross.accepted}/${cross.checks.length} accepted`,
          details: cross,
        },
        {
          scenario: "Unknown-kid storm at 2 resource-service instances",
          result: `${storm.storm.requests} tokens with random kids: ${storm.storm.statuses["401"] ?? 0} × 401; JWKS fetches during it ${storm.fetchesDuringStorm.join(" + ")} (at most ${storm.maxFetches} each: ${(storm.stormSpanMs / 1000).toFixed(1)} s, cooldown ${cooldownSeconds} s); valid requests ${storm.before.requests + storm.during.requests}, ${failures(storm.before) + failures(storm.during)} errors, p99 ${storm.before.p99} ms before, ${storm.during.p99} ms during`,
          details: storm,
        },
        {
          scenario: "One resource-service instance killed (SIGKILL) mid-load",
          result: `survivor after the kill: ${killed.survivorsAfterKill.requests} requests, ${failures(killed.survivorsAfterKill)} errors; killed one: ${killed.victimAfterKill.errors.reset} cut in flight, ${killed.victimAfterKill.errors.refused} refused after`,
          details: killed,
        },
        {
          scenario: "SIGTERM to one instance of each service, behind balancers (SHUTDOWN_DELAY_MS=1000)",
          result: `${balanced.all.requests} requests, ${failures(balanced.all)} errors; ${balanced.writes.created} posts created = ${balanced.writes.rows} rows; answered while draining: ${balanced.servedWhileDraining.map((s) => `${s.name} ${s.requests}`).join(", ")}`,
          details: balanced,
        },
      ];
    },
  );

  const cacheSeconds = 30;
  const outageSeconds = full ? 180 : cacheSeconds + 6;
  await withFleet(
    "outage",
    {
      authInstances: 1,
      resourceInstances: 2,
      authEnv: { JWKS_MAX_AGE_SECONDS: String(cacheSeconds) },
      resourceEnv: { AUTH_JWKS_COOLDOWN_SECONDS: String(cooldownSeconds), AUTH_TOKEN_CACHE_SIZE: "0" },
    },
    async (fleet) => {
      const outage = await authOutage(fleet, {
        outageMs: outageSeconds * 1000,
        cacheLifetimeMs: cacheSeconds * 1000,
        cooldownMs: cooldownSeconds * 1000,
        validRate: 40,
        unknownRate: 10,
        recoveryTimeoutMs: 3 * cooldownSeconds * 1000,
      });
      const direct = await sigtermDirect(fleet, { auth: 0, resource: 0, concurrency: 16, durationMs: 3_000, termAtMs: 1_500 });
      return [
        {
          scenario: `Auth-service down ${outageSeconds} s (JWKS cache ${cacheSeconds} s, cooldown ${cooldownSeconds} s, no token cache)`,
          result: `${outage.valid.requests} valid requests, ${failures(outage.valid)} errors (${outage.validWhileStale.requests} after the keys went stale); ${outage.unknownKids.requests} unknown kids: ${outage.unknownKids.statuses["401"] ?? 0} × 401 (before the first failed JWKS fetch), ${outage.unknownKids.statuses["503"] ?? 0} × 503 (after it); JWKS attempts ${outage.fetchAttempts.join(" + ")} (at most ${outage.maxAttempts} each); outage logged ${outage.outageLogged.join(" + ")}, return logged ${outage.recoveryLogged.join(" + ")}; key created during the outage accepted after the return: ${outage.newKeyAccepted.join(", ")} (refused ${outage.newKeyRefusedFirst.join(" + ")} times first, within one cooldown)`,
          details: outage,
        },
        {
          scenario: "SIGTERM to both services, clients connected directly (SHUTDOWN_DELAY_MS=0)",
          result: `${direct.inFlight.requests} in flight at SIGTERM, ${failures(direct.inFlight)} failed; after it ${direct.afterTerm.errors.refused} refused, ${direct.afterTerm.requests - direct.afterTerm.errors.refused} answered; resets ${direct.all.errors.reset}; requests seen = answered: ${direct.instances.map((i) => `${i.name} ${i.requestsLogged} = ${i.answersReceived}`).join(", ")}; ${direct.writes.created} posts created = ${direct.writes.rows} rows`,
          details: direct,
        },
      ];
    },
  );

  const publishAheadSeconds = 90;
  await withFleet("rotation", { authEnv: { JWKS_MAX_AGE_SECONDS: full ? "30" : "0", JWT_KEY_PUBLISH_AHEAD_SECONDS: String(publishAheadSeconds) } }, async (fleet) => {
    const rotation = await rotationUnderLoad(fleet, {
      firstRotationAtMs: 0,
      // --full: the second rotation once the first new key signs.
      secondRotationAfterMs: full ? (publishAheadSeconds + 5) * 1000 : 3_000,
      publishAheadMs: publishAheadSeconds * 1000,
      tailMs: 3_000,
      rate: 50,
      tokenEvery: 5,
      users: 6,
    });
    return [
      {
        scenario: `Key rotated twice under load (publish-ahead ${publishAheadSeconds} s, JWKS max-age ${full ? 30 : 0} s)`,
        result: `${rotation.api.requests} API requests with ${rotation.kids.length} keys (${rotation.acceptedPerKey.join(" / ")} accepted per key), ${rotation.rejected} rejected, ${failures(rotation.api)} errors; ${rotation.tokens.requests} tokens, ${failures(rotation.tokens)} errors; JWKS fetches ${rotation.jwksFetches.join(" + ")} in ${Math.round(rotation.durationMs / 1000)} s; API ${latency(rotation.api)}`,
        details: rotation,
      },
    ];
  });
});

process.stdout.write("\n| scenario | command | measured result |\n| --- | --- | --- |\n");
for (const row of rows) process.stdout.write(`| ${row.scenario} | \`${row.command}\` | ${row.result} |\n`);
const dir = path.join(repoRoot, "artifacts");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `reliability-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(rows, null, 2)}\n`);
log(`written to ${path.relative(repoRoot, file)}`);
