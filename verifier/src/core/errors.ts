// The errors a bearer-token check can end in, after RFC 6750 section 3:
//
//   "If the request lacks any authentication information (e.g., the client
//    was unaware that authentication is necessary or attempted using an
//    unsupported authentication method), the resource server SHOULD NOT
//    include an error code or other error information."       -> TokenMissingError (401)
//   "invalid_request: The request is missing a required parameter, includes an
//    unsupported parameter or parameter value, repeats the same parameter, uses
//    more than one method for including an access token, or is otherwise
//    malformed. The resource server SHOULD respond with the HTTP 400 (Bad
//    Request) status code."                                    -> InvalidRequestError (400)
//   "invalid_token: The access token provided is expired, revoked, malformed,
//    or invalid for other reasons. The resource SHOULD respond with the HTTP
//    401 (Unauthorized) status code."                          -> InvalidTokenError (401)
//
// Each carries a stable `code` for clients (problem+json) and a finer `reason`
// for logs and metrics. Nothing here knows about HTTP frameworks.

/** Stable codes clients may rely on. */
export type AuthErrorCode = "token_missing" | "invalid_request" | "token_invalid" | "token_expired" | "auth_unavailable";

/** Why a token was refused, finer than its code: for logs and metrics, not for clients. */
export type AuthFailureReason =
  | "missing"
  | "malformed_header"
  | "multiple_headers"
  | "token_in_query"
  | "too_large"
  | "malformed"
  | "alg_not_allowed"
  | "embedded_key"
  | "missing_kid"
  | "wrong_type"
  | "unknown_kid"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "issued_in_future"
  | "too_old"
  | "wrong_issuer"
  | "wrong_audience"
  | "missing_claim"
  | "invalid_claim"
  | "revoked"
  | "keys_unavailable";

export abstract class AuthError extends Error {
  abstract readonly status: number;
  abstract readonly code: AuthErrorCode;
  /** The RFC 6750 `error` attribute, when one is sent. */
  abstract readonly bearerError: "invalid_request" | "invalid_token" | undefined;
  constructor(
    readonly reason: AuthFailureReason,
    /** A sentence safe to show the client (it never includes the token). */
    readonly description: string,
  ) {
    super(description);
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

/** No bearer token at all: 401 with a bare challenge. */
export class TokenMissingError extends AuthError {
  override name = "TokenMissingError";
  readonly status = 401;
  readonly code = "token_missing";
  readonly bearerError = undefined;
  constructor(description = "This request needs a bearer token in the Authorization header.") {
    super("missing", description);
  }
}

/** The Authorization header (or the request around it) is malformed: 400. */
export class InvalidRequestError extends AuthError {
  override name = "InvalidRequestError";
  readonly status = 400;
  readonly code = "invalid_request";
  readonly bearerError = "invalid_request" as const;
}

/** The token is present but not acceptable: 401 invalid_token. */
export class InvalidTokenError extends AuthError {
  override name = "InvalidTokenError";
  readonly status = 401;
  readonly bearerError = "invalid_token" as const;
  get code(): AuthErrorCode {
    return this.reason === "expired" ? "token_expired" : "token_invalid";
  }
}

/**
 * No signing key can be had at all (the issuer's JWKS is unreachable and
 * nothing usable is cached): the failure is ours, not the client's, so 503.
 */
export class KeysUnavailableError extends AuthError {
  override name = "KeysUnavailableError";
  readonly status = 503;
  readonly code = "auth_unavailable";
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
