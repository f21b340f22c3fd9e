// Every problem+json code the resource-service can answer, with its status,
// and the schemas of those answers. The codes themselves are raised elsewhere
// (service-kit's error handler, body parsers, health routes and lifecycle; the
// verifier's AuthErrors; the features' services and policy); this catalog is
// what the OpenAPI document says about them, and test/openapi.test.ts checks
// that it names every code the code raises.
import type { AuthErrorCode } from "@authbridge/verifier";
import { z } from "zod";
import type { FieldError } from "./validation.js";

export interface ProblemInfo {
  status: number;
  /** When it is answered, for the document's response descriptions. */
  when: string;
}

/** The verifier's codes: `satisfies` fails the build when it gains one the document does not name. */
const authProblems = {
  invalid_request: {
    status: 400,
    when: "the `Authorization` header is malformed, there is more than one, or a token is in the query string (`access_token`); `WWW-Authenticate` carries `error=\"invalid_request\"`",
  },
  token_missing: { status: 401, when: "no bearer token (another scheme, such as Basic, counts as none); `WWW-Authenticate` carries a bare challenge" },
  token_expired: { status: 401, when: "the token's `exp` has passed (beyond the clock tolerance): get a new one; `WWW-Authenticate` carries `error=\"invalid_token\"`" },
  token_invalid: {
    status: 401,
    when: "the token is refused for any other reason (signature, algorithm, `iss`, `aud`, `kid`, claims, format, size, revocation); `WWW-Authenticate` carries `error=\"invalid_token\"`",
  },
  insufficient_scope: {
    status: 403,
    when: "the token is valid but its claims do not allow the operation (a role it lacks); `WWW-Authenticate` carries `error=\"insufficient_scope\"`",
  },
  auth_unavailable: { status: 503, when: "the issuer's keys cannot be had (never fetched, stale for too long, or the token names a key this service has not seen while the issuer cannot be asked), so the token cannot be verified; retry after `Retry-After` seconds" },
} satisfies Record<AuthErrorCode, ProblemInfo>;

export const problemCatalog = {
  ...authProblems,
  unauthorized: { status: 401, when: "`/metrics` without the metrics token (METRICS_TOKEN); `WWW-Authenticate` carries `Bearer realm=\"metrics\"`" },
  bad_request: { status: 400, when: "the request cannot be read (a malformed HTTP request, or a malformed percent-escape in the path)" },
  malformed_json: { status: 400, when: "the body is not valid JSON (or is a JSON value other than an object or array)" },
  invalid_encoding: { status: 400, when: "the body is not valid UTF-8" },
  nesting_too_deep: { status: 400, when: "the body is nested more than 32 levels deep" },
  not_owner: { status: 403, when: "changing or deleting someone else's public post" },
  email_unverified: {
    status: 403,
    when: "a write (POST, PUT, PATCH, DELETE) by a caller whose token says `email_verified: false`, where the deployment requires a verified address for writes (REQUIRE_VERIFIED_EMAIL_FOR_WRITES): verify the address, then get a new token",
  },
  not_found: { status: 404, when: "no such resource, or someone else's private post (answered exactly as for an id that was never used)" },
  handle_taken: { status: 409, when: "the handle belongs to someone else" },
  payload_too_large: { status: 413, when: "the body is larger than 64 KB" },
  unsupported_media_type: { status: 415, when: "the body is not `application/json`" },
  unsupported_encoding: { status: 415, when: "the body's `Content-Encoding` or charset is not supported: send UTF-8 JSON" },
  validation_failed: { status: 422, when: "invalid or unknown fields or query parameters; `errors` lists each" },
  headers_too_large: { status: 431, when: "the request's headers are larger than 16 KB" },
  internal_error: { status: 500, when: "anything unexpected (logged on the server, never described)" },
  database_unavailable: { status: 503, when: "PostgreSQL is unreachable or does not answer within its deadlines; retry after `Retry-After` seconds" },
  deadline_exceeded: { status: 503, when: "the request was not answered within its deadline (REQUEST_TIMEOUT_MS), whatever held it up; retry after `Retry-After` seconds" },
  shutting_down: { status: 503, when: "the service is shutting down (readiness only)" },
} satisfies Record<string, ProblemInfo>;

export type ProblemCode = keyof typeof problemCatalog;

// Which codes go with what an operation does; the document adds them by these rules.

/** Any request may meet these, before or after routing. */
export const everyRequestProblems: readonly ProblemCode[] = ["bad_request", "headers_too_large", "internal_error", "deadline_exceeded"];
/** Routes behind requireAuth. */
export const bearerRequiredProblems: readonly ProblemCode[] = ["invalid_request", "token_missing", "token_expired", "token_invalid", "auth_unavailable"];
/** Routes behind optionalAuth: no token is an anonymous caller, a bad one is still refused. */
export const bearerOptionalProblems: readonly ProblemCode[] = ["invalid_request", "token_expired", "token_invalid", "auth_unavailable"];
/** Writes, where REQUIRE_VERIFIED_EMAIL_FOR_WRITES is on (http/verified-email.ts). */
export const verifiedEmailProblems: readonly ProblemCode[] = ["email_unverified"];
/** Routes that need a role (the route table's `roles`). */
export const roleProblems: readonly ProblemCode[] = ["insufficient_scope"];
/** /metrics behind METRICS_TOKEN. */
export const metricsTokenProblems: readonly ProblemCode[] = ["unauthorized"];
/** Routes that read a JSON body. */
export const jsonBodyProblems: readonly ProblemCode[] = [
  "malformed_json",
  "invalid_encoding",
  "nesting_too_deep",
  "payload_too_large",
  "unsupported_media_type",
  "unsupported_encoding",
  "validation_failed",
];
/** Routes that validate query parameters. */
export const queryProblems: readonly ProblemCode[] = ["validation_failed"];

/** The problem type URI of a code (service-kit's problemType). */
const problemTypeUri = z.templateLiteral(["urn:authbridge:problem:", z.string()]);

/** RFC 9457 problem details, as every error is answered. */
export const problem = z
  .object({
    type: problemTypeUri.describe("`urn:authbridge:problem:` and the code."),
    title: z.string().describe("The status's reason phrase."),
    status: z.int().min(400).max(599).describe("The HTTP status."),
    detail: z.string().describe("A sentence for people; match on `code`, never on this."),
    code: z.string().describe("A stable machine code."),
  })
  .describe("An error (RFC 9457 problem details).");

/** One invalid field of a 422. */
export const fieldError = z
  .object({
    field: z.string().describe("The field or query parameter (dotted for nested ones; the request part when it is the whole)."),
    message: z.string(),
  })
  .describe("What is wrong with one field.") satisfies z.ZodType<FieldError>;

/** 422 validation_failed: a problem with one entry per invalid field. */
export const validationProblem = problem
  .extend({ code: z.literal("validation_failed"), errors: z.array(fieldError) })
  .describe("An invalid request body or query: `errors` lists each field.");

/** The code and status of one operation's answers with one status: the rest is `problem`. */
export function problemNarrowing(status: number, codes: readonly [ProblemCode, ...ProblemCode[]]) {
  return z.object({ status: z.literal(status), code: z.enum(codes) });
}
