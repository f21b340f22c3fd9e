// The token checks as Prometheus metrics: each decision by outcome and reason,
// the verified-token cache's hits and misses, the JWKS fetches and the keys
// held. The verifier reports through its observer hook and knows nothing of
// prom-client. Labels come from fixed sets (codes, reasons, fetch results),
// never from a token or a caller.
//
// On the fast path (a token seen before) the observer only adds to plain
// numbers; they reach the counters when Prometheus scrapes.
import { AuthError, type AuthErrorCode, type AuthFailureReason, type Verifier } from "@authbridge/verifier";
import type { ErrorRequestHandler } from "express";
import { Counter, Gauge, type Registry } from "prom-client";

/** Every reason a token can be refused for, and the code the client gets. */
const REASON_CODES: Record<AuthFailureReason, AuthErrorCode> = {
  missing: "token_missing",
  malformed_header: "invalid_request",
  multiple_headers: "invalid_request",
  token_in_query: "invalid_request",
  too_large: "token_invalid",
  malformed: "token_invalid",
  alg_not_allowed: "token_invalid",
  embedded_key: "token_invalid",
  missing_kid: "token_invalid",
  wrong_type: "token_invalid",
  unknown_kid: "token_invalid",
  bad_signature: "token_invalid",
  expired: "token_expired",
  not_yet_valid: "token_invalid",
  issued_in_future: "token_invalid",
  too_old: "token_invalid",
  wrong_issuer: "token_invalid",
  wrong_audience: "token_invalid",
  missing_claim: "token_invalid",
  invalid_claim: "token_invalid",
  revoked: "token_invalid",
  keys_unavailable: "auth_unavailable",
};

/** Refused before a token reaches the verifier (reading the Authorization header), so the verifier never reports them. */
const REQUEST_REASONS: ReadonlySet<AuthFailureReason> = new Set(["missing", "malformed_header", "multiple_headers", "token_in_query"]);

const JWKS_RESULTS = ["ok", "not_modified", "timeout", "network_error", "http_error", "invalid_response", "discovery_error"] as const;

export interface AuthMetrics {
  /**
   * Error middleware (before the error handler) counting the refusals made
   * while reading the Authorization header: no token on a route that needs
   * one, a malformed header, a token in the query string.
   */
  countRequestRefusals: ErrorRequestHandler;
}

export function authMetrics(registry: Registry, verifier: Verifier): AuthMetrics {
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
  for (const [reason, code] of Object.entries(REASON_CODES)) verifications.inc({ outcome: code, reason }, 0);

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
  for (const result of JWKS_RESULTS) fetches.inc({ result }, 0);

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

  return {
    countRequestRefusals: (error: unknown, _req, _res, next) => {
      if (error instanceof AuthError && REQUEST_REASONS.has(error.reason)) verifications.inc({ outcome: error.code, reason: error.reason });
      next(error);
    },
  };
}
