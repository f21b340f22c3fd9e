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
}

/** 401: no token, or one that is expired or invalid (after one renewal and retry), or no session at the auth-service. */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}

/** 403: authenticated, but not allowed (e.g. `not_owner`). */
export class AuthorizationError extends ApiError {
  override name = "AuthorizationError";
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

/** Reads an error response into the matching error class. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let problem: Problem = { status: response.status, title: response.statusText };
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") problem = { ...(parsed as Problem), status: response.status };
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the status.
  }
  switch (response.status) {
    case 401:
      return new AuthenticationError(problem);
    case 403:
      return new AuthorizationError(problem);
    case 404:
      return new NotFoundError(problem);
    case 422:
      return new ValidationError(problem);
    case 429: {
      const retryAfter = Number(response.headers.get("retry-after"));
      return new RateLimitError(problem, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
    }
    default:
      return new ApiError(problem);
  }
}
