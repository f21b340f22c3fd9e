// RFC 9457 problem details: the one error format of every authbridge service.
// Errors are thrown (or passed to next) anywhere and become responses only in
// errorHandler, which never lets a 5xx carry internals.
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import type { Logger } from "pino";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Set on `res.locals` when the request's deadline answered for it (see app-base.ts): whatever its handler does later is dropped. */
export const DEADLINE_ANSWERED = "authbridge:deadlineAnswered";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extension: string]: unknown;
}

/** The problem type URI for a stable machine code (documented in docs/auth-service.md and docs/resource-service.md). */
export function problemType(code: string): string {
  return `urn:authbridge:problem:${code.toLowerCase()}`;
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function statusTitle(status: number): string {
  return titles[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/** An error that is meant to reach the client, with its status, stable code and headers. */
export class HttpProblem extends Error {
  override name = "HttpProblem";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toBody(): ProblemBody {
    return {
      ...this.extensions,
      type: problemType(this.code),
      title: statusTitle(this.status),
      status: this.status,
      detail: this.detail,
      code: this.code,
    };
  }
}

/**
 * Sends a problem. Never cacheable: an error may depend on who asked (a
 * token refused, a private post hidden as 404) and says nothing worth keeping.
 */
export function sendProblem(res: Response, problem: HttpProblem): void {
  res
    .status(problem.status)
    .set({ ...problem.headers, "Cache-Control": "no-store" })
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem.toBody()));
}

/** body-parser's errors carry a `type`; these are the client's fault and safe to describe. */
function fromBodyParser(error: unknown): HttpProblem | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  switch ((error as { type?: unknown }).type) {
    case "entity.too.large":
      return new HttpProblem(413, "payload_too_large", "The request body is larger than this endpoint accepts.");
    case "entity.parse.failed":
      return new HttpProblem(400, "malformed_json", "The request body is not valid JSON.");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new HttpProblem(415, "unsupported_encoding", "The request body's encoding or charset is not supported; send UTF-8 JSON.");
    case "request.aborted":
      return new HttpProblem(400, "request_aborted", "The request was aborted before its body was received.");
    case "encoding.invalid":
      return new HttpProblem(400, "invalid_encoding", "The request body is not valid UTF-8.");
    case "parameters.too.many":
      return new HttpProblem(413, "payload_too_large", "The request body has more fields than this endpoint accepts.");
    default:
      return clientHttpError(error);
  }
}

/**
 * Other client errors raised by Express and its parsers (http-errors with
 * `expose`), such as a malformed percent-escape in the path: a 4xx the client
 * caused, never a 500.
 */
function clientHttpError(error: object): HttpProblem | undefined {
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  // Express's router marks a URIError from decoding a path parameter with status 400 but no `expose`.
  const clientCaused = expose === true || error instanceof URIError;
  if (!clientCaused || typeof status !== "number" || status < 400 || status >= 500) return undefined;
  return new HttpProblem(status, status === 413 ? "payload_too_large" : "bad_request", "The request could not be read.");
}

/** Turns an error a service knows about into a problem (or undefined: not mine). */
export type ProblemMapper = (error: unknown) => HttpProblem | undefined;

/**
 * The single place where errors become responses: HttpProblems as they are,
 * body-parser failures as 4xx, what `mappers` recognise, and everything else
 * as a logged, undescribed 500.
 */
export function errorHandler(logger: Logger, mappers: ProblemMapper[] = []): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.locals[DEADLINE_ANSWERED] === true) {
      // Answered 503 by the request's deadline: what the handler threw after it
      // (its own answer, refused as "headers already sent") goes nowhere.
      logger.debug({ err: error, reqId: req.id }, "an error after the request's deadline had answered");
      return;
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem =
      error instanceof HttpProblem ? error : (fromBodyParser(error) ?? mappers.reduce<HttpProblem | undefined>((found, map) => found ?? map(error), undefined));
    if (problem) {
      sendProblem(res, problem);
      return;
    }
    logger.error({ err: error, reqId: req.id }, "unhandled error");
    sendProblem(res, new HttpProblem(500, "internal_error", "The server could not complete the request. It has been logged."));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, "not_found", `No route matches ${req.method} ${req.path}.`));
};
