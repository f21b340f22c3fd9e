// The error hierarchy (RFC 6750 section 3) and how each error is answered.
import { describe, expect, it } from "@jest/globals";
import {
  AUTH_FAILURE_CODES,
  AuthError,
  authErrorResponse,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  KeysUnavailableError,
  TokenMissingError,
  type AuthFailureReason,
} from "../src/core/index.js";

/** An error of the class that raises `reason`, as the verifier raises it. */
function errorFor(reason: AuthFailureReason): AuthError {
  switch (reason) {
    case "missing":
      return new TokenMissingError();
    case "keys_unavailable":
      return new KeysUnavailableError();
    case "malformed_header":
    case "multiple_headers":
    case "token_in_query":
      return new InvalidRequestError(reason, "The request is malformed.");
    case "role_not_allowed":
    case "claim_check_failed":
      return new InsufficientScopeError(reason, "The token does not allow this.");
    default:
      return new InvalidTokenError(reason, "The token is refused.");
  }
}

const reasons = Object.keys(AUTH_FAILURE_CODES) as AuthFailureReason[];

describe("the errors", () => {
  it.each(reasons)("%s: its code is the table's, and its status and RFC 6750 error go with that code", (reason) => {
    const error = errorFor(reason);
    const code = AUTH_FAILURE_CODES[reason];
    const expected = {
      token_missing: { status: 401, bearerError: undefined },
      invalid_request: { status: 400, bearerError: "invalid_request" },
      token_invalid: { status: 401, bearerError: "invalid_token" },
      token_expired: { status: 401, bearerError: "invalid_token" },
      insufficient_scope: { status: 403, bearerError: "insufficient_scope" },
      auth_unavailable: { status: 503, bearerError: undefined },
    }[code];
    expect({ reason: error.reason, code: error.code, status: error.status, bearerError: error.bearerError }).toEqual({ reason, code, ...expected });
    expect(error).toBeInstanceOf(Error);
  });

  it("has a table that cannot be changed at run time", () => {
    expect(Object.isFrozen(AUTH_FAILURE_CODES)).toBe(true);
  });

  it("challenges without error details when there was no token at all (RFC 6750 section 3.1)", () => {
    expect(new TokenMissingError().challenge("api")).toBe('Bearer realm="api"');
  });

  it("challenges with the error and its description otherwise, and not at all when the failure is ours", () => {
    expect(new InvalidTokenError("expired", "The token has expired.").challenge("api")).toBe('Bearer realm="api", error="invalid_token", error_description="The token has expired."');
    expect(new InvalidRequestError("multiple_headers", "Two headers.").challenge("api")).toBe('Bearer realm="api", error="invalid_request", error_description="Two headers."');
    expect(new KeysUnavailableError().challenge()).toBeUndefined();
  });

  it('keeps the challenge within RFC 6750\'s characters: no double quote, no backslash, nothing outside printable ASCII', () => {
    const error = new InvalidTokenError("invalid_claim", 'The "sub" claim \\ holds caf\u00e9\nand more.');
    expect(error.challenge('my "api"')).toBe(`Bearer realm="my 'api'", error="invalid_token", error_description="The 'sub' claim  holds cafand more."`);
  });
});

describe("authErrorResponse", () => {
  it("answers a refused token with its status, the challenge, no-store and a problem document", () => {
    expect(authErrorResponse(new InvalidTokenError("expired", "The token has expired."), "api")).toEqual({
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token", error_description="The token has expired."', "Cache-Control": "no-store" },
      body: { type: "urn:authbridge:problem:token_expired", title: "Unauthorized", status: 401, detail: "The token has expired.", code: "token_expired" },
    });
  });

  it("answers a token without the privileges with 403 Forbidden and the insufficient_scope challenge (RFC 6750 section 3.1)", () => {
    expect(authErrorResponse(new InsufficientScopeError("role_not_allowed", 'This request needs the role "admin".'), "api")).toEqual({
      status: 403,
      headers: { "WWW-Authenticate": `Bearer realm="api", error="insufficient_scope", error_description="This request needs the role 'admin'."`, "Cache-Control": "no-store" },
      body: { type: "urn:authbridge:problem:insufficient_scope", title: "Forbidden", status: 403, detail: 'This request needs the role "admin".', code: "insufficient_scope" },
    });
  });

  it("answers a malformed request with 400 Bad Request", () => {
    const { status, body } = authErrorResponse(new InvalidRequestError("token_in_query", "Not in the query."), "api");
    expect({ status, title: body.title, code: body.code }).toEqual({ status: 400, title: "Bad Request", code: "invalid_request" });
  });

  it("answers unreachable keys with 503, Retry-After and no challenge", () => {
    const { status, headers, body } = authErrorResponse(new KeysUnavailableError(), "api");
    expect({ status, headers, title: body.title, code: body.code }).toEqual({
      status: 503,
      headers: { "Retry-After": "5", "Cache-Control": "no-store" },
      title: "Service Unavailable",
      code: "auth_unavailable",
    });
  });
});
