// Fixed examples, so the pact files come out byte-identical on every run
// (their drift is checked in CI). Matchers pin shapes and formats; these
// values are only what the mock servers answer.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MatchersV3 } from "@pact-foundation/pact";

/** Where pacts are written and read: contracts/pacts, or PACT_DIR (can-i-deploy verifies against a deployed version's pacts). */
export const PACT_DIR = process.env.PACT_DIR ? path.resolve(process.env.PACT_DIR) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "pacts");

/** An example bearer token (a compact JWS shape); providers substitute a real one from their state. */
export const EXAMPLE_TOKEN =
  "eyJhbGciOiJFZERTQSIsImtpZCI6ImV4YW1wbGUta2lkIn0.eyJzdWIiOiJ1c2VyLWFsaWNlIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLWV4YW1wbGUtc2lnbmF0dXJlLWV4YW1wbGU";

/**
 * `Authorization: Bearer <token>`: matched by a regex (a compact JWS), and
 * generated from the provider state's `accessToken` (or another named value),
 * so the provider mints the real token. No blanket request filter is used: it
 * would also rewrite the expired- and invalid-token cases.
 */
export const bearer = (state = "accessToken") => ({
  ...MatchersV3.regex(/^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, `Bearer ${EXAMPLE_TOKEN}`),
  "pact:generator:type": "ProviderState",
  expression: `Bearer \${${state}}`,
});

export const PROBLEM_JSON = MatchersV3.regex(/^application\/problem\+json(;.*)?$/, "application/problem+json; charset=utf-8");
export const JSON_TYPE = MatchersV3.regex(/^application\/json(;.*)?$/, "application/json; charset=utf-8");

/** A problem body with its stable code pinned exactly, the rest by type. */
export function problem(status: number, code: string, extra: Record<string, unknown> = {}) {
  return {
    type: MatchersV3.string(`urn:authbridge:problem:${code.toLowerCase()}`),
    title: MatchersV3.string("Error"),
    status: MatchersV3.equal(status),
    detail: MatchersV3.string("What went wrong, for a person."),
    code: MatchersV3.equal(code),
    ...extra,
  };
}

export const UUID_EXAMPLE = "01937f6e-7a4c-7d2b-9f3a-2b8c4d5e6f70";
export const TIMESTAMP = MatchersV3.datetime("yyyy-MM-dd'T'HH:mm:ss.SSSX", "2026-11-27T08:00:00.000Z");
