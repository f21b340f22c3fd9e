// problem+json answers as typed errors. Every error carries the HTTP status,
// the stable `code` and the `detail`; match on the class or the code, never on
// the wording.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code ?? "unknown";
    this.detail = problem.detail ?? "";
  }

  /** Whether the same request may succeed later unchanged: 429, and 502..504 (a server or its dependency not answering). */
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 502 && this.status <= 504);
  }
}

/** 401: no token, or one that is expired or invalid (after one renewal and retry), or no session at the auth-service. */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}

/**
 * 403: authenticated, but not allowed: `not_owner` (someone else's post), or
 * `insufficient_scope` (the token lacks a role the operation needs; RFC 6750's
 * challenge says so too). Neither is retried: a new token of the same user
 * carries the same role.
 */
export class AuthorizationError extends ApiError {
  override name = "AuthorizationError";

  /** The token is valid but lacks the role or claims the operation needs. */
  get insufficientScope(): boolean {
    return this.code === "insufficient_scope";
  }
}

/**
 * 403 `email_unverified`: the API requires a verified email address for
 * writes, and the caller's token says it is not verified. After the user
 * follows the verification link, the next token says so: drop the one held
 * (`api.tokens.invalidate()`) and retry. It is an AuthorizationError too.
 */
export class EmailNotVerifiedError extends AuthorizationError {
  override name = "EmailNotVerifiedError";
}

/** 404: no such resource, or one the caller may not see. */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}

export interface FieldError {
  field: string;
  message: string;
}

/** 422: the input was refused; `fieldErrors` says which field and why. */
export class ValidationError extends ApiError {
  override name = "ValidationError";
  readonly fieldErrors: FieldError[];
  constructor(problem: Problem) {
    super(problem);
    const errors = Array.isArray(problem.errors) ? (problem.errors as unknown[]) : [];
    this.fieldErrors = errors.filter(
      (entry): entry is FieldError =>
        typeof entry === "object" && entry !== null && typeof (entry as FieldError).field === "string" && typeof (entry as FieldError).message === "string",
    );
  }
}

/** 429: too many requests; retry after `retryAfterSeconds` (when the server said). */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
  constructor(
    problem: Problem,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(problem);
  }
}

/**
 * 503: the service, or something it depends on, cannot answer right now
 * (`database_unavailable`, `auth_unavailable`, `deadline_exceeded`): retry
 * after `retryAfterSeconds`. It says nothing about the session: a 503 from
 * the auth-service's token endpoint never means "signed out" (that is an
 * AuthenticationError, 401), so keep the user signed in and retry.
 */
export class ServiceUnavailableError extends ApiError {
  override name = "ServiceUnavailableError";
  constructor(
    problem: Problem,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(problem);
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Reads an error response into the matching error class. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText };
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      const body = parsed as Record<string, unknown>;
      problem = {
        ...body,
        status: response.status,
        ...(typeof body.code === "string" ? { code: body.code } : { code: undefined }),
        ...(typeof body.detail === "string" ? { detail: body.detail } : { detail: undefined }),
        ...(typeof body.title === "string" ? { title: body.title } : { title: response.statusText }),
      };
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the status.
  }
  switch (response.status) {
    case 401:
      return new AuthenticationError(problem);
    case 403:
      return problem.code === "email_unverified" ? new EmailNotVerifiedError(problem) : new AuthorizationError(problem);
    case 404:
      return new NotFoundError(problem);
    case 422:
      return new ValidationError(problem);
    case 429:
      return new RateLimitError(problem, retryAfterSeconds(response.headers.get("retry-after")));
    case 503:
      return new ServiceUnavailableError(problem, retryAfterSeconds(response.headers.get("retry-after")));
    default:
      return new ApiError(problem);
  }
}
