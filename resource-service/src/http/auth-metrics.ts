// The token checks as Prometheus metrics: each decision by outcome and reason,
// the verified-token cache's hits and misses, the JWKS fetches and the keys
// held. The verifier reports through its observer hook (refusals of the
// Authorization header included) and knows nothing of prom-client. Labels come
// from the verifier's fixed sets (codes, reasons, fetch results), never from a
// token or a caller.
//
// On the fast path (a token seen before) the observer only adds to plain
// numbers; they reach the counters when Prometheus scrapes.
import { AUTH_FAILURE_CODES, JWKS_FETCH_RESULTS, type Verifier } from "@authbridge/verifier";
import { Counter, Gauge, type Registry } from "prom-client";

export function authMetrics(registry: Registry, verifier: Verifier): void {
  const registers = [registry];
  let accepted = 0;
  let published = 0;
  const lookups = { hit: 0, miss: 0 };
  const publishedLookups = { hit: 0, miss: 0 };

  const verifications = new Counter({
    name: "authbridge_token_verifications_total",
    help: 'Bearer tokens checked, by outcome ("ok" or the problem code answered) and reason ("ok" or why the token was refused).',
    labelNames: ["outcome", "reason"] as const,
    registers,
    collect() {
      this.inc({ outcome: "ok", reason: "ok" }, accepted - published);
      published = accepted;
    },
  });
  // A claim check's refusal (insufficient_scope) comes after a token was accepted: it is no outcome of the token's check.
  for (const [reason, code] of Object.entries(AUTH_FAILURE_CODES)) if (code !== "insufficient_scope") verifications.inc({ outcome: code, reason }, 0);

  new Counter({
    name: "authbridge_token_cache_lookups_total",
    help: "Decisions that consulted the verified-token cache: a hit answers from memory, a miss goes on to check the signature.",
    labelNames: ["result"] as const,
    registers,
    collect() {
      for (const result of ["hit", "miss"] as const) {
        this.inc({ result }, lookups[result] - publishedLookups[result]);
        publishedLookups[result] = lookups[result];
      }
    },
  });

  const fetches = new Counter({
    name: "authbridge_jwks_fetches_total",
    help: "Refreshes of the issuer's JWKS, by result (not_modified: a 304 to a conditional request; discovery_error: no JWKS URL could be discovered).",
    labelNames: ["result"] as const,
    registers,
  });
  for (const result of JWKS_FETCH_RESULTS) fetches.inc({ result }, 0);

  new Gauge({
    name: "authbridge_jwks_keys",
    help: "Signing keys currently held from the issuer's JWKS.",
    registers,
    collect() {
      this.set(verifier.keySet.stats().kids.length);
    },
  });
  new Gauge({
    name: "authbridge_jwks_degraded",
    help: "1 while the last JWKS refresh failed and cached keys are being served (stale-if-error), else 0.",
    registers,
    collect() {
      this.set(verifier.keySet.stats().degraded ? 1 : 0);
    },
  });

  verifier.observe({
    tokenAccepted: () => {
      accepted += 1;
    },
    tokenCacheLookup: (hit) => {
      if (hit) lookups.hit += 1;
      else lookups.miss += 1;
    },
    tokenRefused: (error) => verifications.inc({ outcome: error.code, reason: error.reason }),
    jwksFetch: (result) => fetches.inc({ result }),
  });
}
