// A client hammering sign-in, its attempts spread over every auth-service
// instance: with the counters in Redis, it is limited as if there were one.
import { SIGN_IN_PATH } from "@authbridge/auth-service/paths";
import type { Fleet } from "../fleet.js";
import { runLoad } from "../load.js";
import { clientAddress } from "../users.js";

export interface RateLimitResult {
  attempts: number;
  /** Attempts answered 401 (let through to the password check). */
  passed: number;
  /** Attempts answered 429. */
  limited: number;
  /** 429 answers per auth-service instance, by index: every instance limits. */
  limitedPerInstance: number[];
  /** Any other answer or network error. */
  other: number;
}

/** `attempts` wrong-password sign-ins from one address, round-robin over the instances, `concurrency` at a time. */
export async function hammerSignIn(fleet: Fleet, options: { attempts: number; concurrency: number }): Promise<RateLimitResult> {
  const address = clientAddress();
  const run = await runLoad({
    concurrency: options.concurrency,
    durationMs: 60_000,
    requests: options.attempts,
    next: (n) => {
      const instance = fleet.auth[n % fleet.auth.length];
      return {
        url: `${instance?.url}${SIGN_IN_PATH}`,
        method: "POST",
        headers: { origin: fleet.issuer, "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ email: `nobody.${n}@example.com`, password: "not the password at all" }),
      };
    },
  });
  const summary = run.summary();
  const passed = summary.statuses["401"] ?? 0;
  const limited = summary.statuses["429"] ?? 0;
  return {
    attempts: summary.requests,
    passed,
    limited,
    limitedPerInstance: fleet.auth.map((instance) => run.outcomes.filter((o) => o.target === instance.url && o.status === 429).length),
    other: summary.requests - passed - limited,
  };
}
