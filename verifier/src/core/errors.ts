// The errors a bearer-token check can end in, after RFC 6750 section 3: each
// class quotes the sentence it implements. Each carries a stable `code` for
// clients (problem+json) and a finer `reason` for logs and metrics. Nothing
// here knows about HTTP frameworks.

/** Stable codes clients may rely on. */
export type AuthErrorCode = "token_missing" | "invalid_request" | "token_invalid" | "token_expired" | "insufficient_scope" | "auth_unavailable";

/**
 * Every reason a request can be refused for, and the code its client gets.
 * The reason is for logs and metrics (a counter can make every series up
 * front from this table), the code for clients. The first four are found
 * while reading the request, before any token is checked; the two
 * `insufficient_scope` ones after it, by the claim checks (claims.ts).
 */
export const AUTH_FAILURE_CODES = Object.freeze({
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
  role_not_allowed: "insufficient_scope",
  claim_check_failed: "insufficient_scope",
  keys_unavailable: "auth_unavailable",
} as const satisfies Record<string, AuthErrorCode>);

/** Why a request was refused, finer than its code: for logs and metrics, not for clients. */
export type AuthFailureReason = keyof typeof AUTH_FAILURE_CODES;

/** The reasons answered with one of `codes`. */
type ReasonFor<Codes extends AuthErrorCode> = { [R in AuthFailureReason]: (typeof AUTH_FAILURE_CODES)[R] extends Codes ? R : never }[AuthFailureReason];

/** The RFC 6750 section 3.1 `error` attributes this package sends. */
export type BearerErrorCode = "invalid_request" | "invalid_token" | "insufficient_scope";

/** A refused request: an HTTP status, a stable code, a finer reason and the WWW-Authenticate challenge due. */
export abstract class AuthError extends Error {
  abstract readonly status: number;
  /** The RFC 6750 `error` attribute, when one is sent. */
  abstract readonly bearerError: BearerErrorCode | undefined;
  constructor(
    readonly reason: AuthFailureReason,
    /** A sentence safe to show the client (it never includes the token). */
    readonly description: string,
  ) {
    super(description);
  }

  /** The code clients match on (AUTH_FAILURE_CODES of the reason). */
  get code(): AuthErrorCode {
    return AUTH_FAILURE_CODES[this.reason];
  }

  /** The WWW-Authenticate challenge for this error, or undefined when none is due. */
  challenge(realm: string): string | undefined {
    const parts = [`realm="${quote(realm)}"`];
    if (this.bearerError) {
      parts.push(`error="${this.bearerError}"`, `error_description="${quote(this.description)}"`);
    }
    return `Bearer ${parts.join(", ")}`;
  }
}

/**
 * No bearer token at all: 401 with a bare challenge. RFC 6750 section 3.1:
 * "If the request lacks any authentication information ..., the resource
 * server SHOULD NOT include an error code or other error information."
 */
export class TokenMissingError extends AuthError {
  override name = "TokenMissingError";
  readonly status = 401;
  readonly bearerError = undefined;
  constructor(description = "This request needs a bearer token in the Authorization header.") {
    super("missing", description);
  }
}

/**
 * The Authorization header (or the request around it) is malformed: 400.
 * RFC 6750 section 3.1, invalid_request: "The request is missing a required
 * parameter, includes an unsupported parameter or parameter value, repeats the
 * same parameter, uses more than one method for including an access token, or
 * is otherwise malformed."
 */
export class InvalidRequestError extends AuthError {
  override name = "InvalidRequestError";
  readonly status = 400;
  readonly bearerError = "invalid_request" as const;
  constructor(reason: ReasonFor<"invalid_request">, description: string) {
    super(reason, description);
  }
}

/**
 * The token is present but not acceptable: 401 invalid_token. RFC 6750
 * section 3.1: "The access token provided is expired, revoked, malformed, or
 * invalid for other reasons."
 */
export class InvalidTokenError extends AuthError {
  override name = "InvalidTokenError";
  readonly status = 401;
  readonly bearerError = "invalid_token" as const;
  constructor(reason: ReasonFor<"token_invalid" | "token_expired">, description: string) {
    super(reason, description);
  }
}

/**
 * The token is valid, but its claims do not allow this request (a role it
 * lacks, a claim check it fails): 403 insufficient_scope. RFC 6750 section
 * 3.1: "The request requires higher privileges than provided by the access
 * token. The resource server SHOULD respond with the HTTP 403 (Forbidden)
 * status code."
 */
export class InsufficientScopeError extends AuthError {
  override name = "InsufficientScopeError";
  readonly status = 403;
  readonly bearerError = "insufficient_scope" as const;
  constructor(reason: ReasonFor<"insufficient_scope">, description: string) {
    super(reason, description);
  }
}

/**
 * No signing key can be had at all (the issuer's JWKS is unreachable and
 * nothing usable is cached): the failure is ours, not the client's, so 503
 * with no challenge.
 */
export class KeysUnavailableError extends AuthError {
  override name = "KeysUnavailableError";
  readonly status = 503;
  readonly bearerError = undefined;
  constructor(description = "Tokens cannot be verified right now because the issuer's keys are unreachable; try again shortly.") {
    super("keys_unavailable", description);
  }

  override challenge(): undefined {
    return undefined;
  }
}

/**
 * RFC 6750 section 3: error_description values "MUST NOT include characters
 * outside the set %x20-21 / %x23-5B / %x5D-7E", so no double quote and no
 * backslash (not even escaped): a double quote becomes a single one.
 */
function quote(value: string): string {
  return value.replace(/"/g, "'").replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "");
}
