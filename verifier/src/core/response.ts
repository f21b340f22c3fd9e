// How a refused request is answered over HTTP, for any framework: the status,
// the RFC 6750 challenge and an RFC 9457 problem document.
import type { AuthError, AuthErrorCode } from "./errors.js";

/** The application/problem+json body of a refusal (RFC 9457). */
export interface AuthProblem {
  /** `urn:authbridge:problem:<code>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The stable code clients match on. */
  code: AuthErrorCode;
}

export interface AuthErrorResponse {
  status: number;
  /** WWW-Authenticate (or Retry-After for a 503) and Cache-Control. */
  headers: Record<string, string>;
  /** To send as application/problem+json. */
  body: AuthProblem;
}

const TITLES: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable" };

/**
 * How an AuthError is answered: its status; the WWW-Authenticate challenge
 * (RFC 6750 section 3), or Retry-After when the failure is ours (503);
 * `Cache-Control: no-store`, since the answer depends on the credentials
 * sent; and the problem document.
 *
 * @example
 * const { status, headers, body } = authErrorResponse(error, "my-api");
 * reply.code(status).headers(headers).type("application/problem+json").send(JSON.stringify(body));
 */
export function authErrorResponse(error: AuthError, realm: string): AuthErrorResponse {
  const challenge = error.challenge(realm);
  const { status, code } = error;
  return {
    status,
    headers: { ...(challenge ? { "WWW-Authenticate": challenge } : { "Retry-After": "5" }), "Cache-Control": "no-store" },
    body: { type: `urn:authbridge:problem:${code}`, title: TITLES[status] ?? "Unauthorized", status, detail: error.description, code },
  };
}
