// One resource-service instance killed (SIGKILL) in the middle of a load
// spread over every instance: the others keep serving. The client spreads its
// requests itself (no balancer), so it also sees what the killed one did to
// the requests it held.
import type { Fleet } from "../fleet.js";
import { runLoad } from "../load.js";
import type { LoadSummary } from "../stats.js";
import { fetchToken, signUpUser } from "../users.js";
import { apiRead, apiWrite } from "../workload.js";

export interface KillResult {
  victim: string;
  /** Requests to the other instances, from the kill on. */
  survivorsAfterKill: LoadSummary;
  /** Requests to the killed instance that were in flight when it died (cut) and sent after (refused). */
  victimAfterKill: LoadSummary;
  /** Every request before the kill. */
  beforeKill: LoadSummary;
}

export async function killUnderLoad(fleet: Fleet, options: { victim: number; concurrency: number; durationMs: number; killAtMs: number }): Promise<KillResult> {
  const first = fleet.auth[0];
  const victim = fleet.resource[options.victim];
  if (!first || !victim) throw new Error("the fleet lacks the instances this scenario needs");
  const user = await signUpUser(first.url, fleet.issuer, "kill");
  const token = await fetchToken(first.url, fleet.issuer, user);
  const instances = fleet.resource;
  const run = await runLoad({
    concurrency: options.concurrency,
    durationMs: options.durationMs,
    actions: [{ name: "kill", atMs: options.killAtMs, run: () => victim.signal("SIGKILL") }],
    next: (n) => {
      const url = (instances[n % instances.length] ?? victim).url;
      return n % 4 === 3 ? apiWrite(url, token, `kill-${n}`) : apiRead(url, token, n);
    },
  });
  const killedAt = run.marks.kill ?? 0;
  const after = (endedAt: number) => endedAt >= killedAt;
  return {
    victim: victim.name,
    survivorsAfterKill: run.summary((o) => o.target !== victim.url && after(o.endedAt)),
    victimAfterKill: run.summary((o) => o.target === victim.url && after(o.endedAt)),
    beforeKill: run.summary((o) => !after(o.endedAt)),
  };
}
