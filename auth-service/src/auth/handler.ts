// Mounts Better Auth on Express 5, with three things toNodeHandler does not do:
// - the request URL is built from the configured base URL, never from the
//   client's Host or X-Forwarded-Proto headers;
// - the client address Better Auth rate-limits on is the one Express computed
//   (TRUST_PROXY-aware), overwriting whatever the client sent;
// - every error Better Auth answers becomes application/problem+json (its
//   `code` and `message` stay, so Better Auth's own client keeps working), and
//   responses are marked no-store (sessions and tokens must never be cached);
// - a request the database failed at any point is answered 503
//   database_unavailable, never 401: Better Auth's session lookup swallows
//   database errors as "no session" (see dependency-failures.ts).
// Each answer can be observed (status, problem code, whether it hands out a
// token), for metrics; never its body or headers' values.
import type { Request, RequestHandler } from "express";
import { isAPIError } from "better-auth/api";
import { fromNodeHeaders } from "better-auth/node";
import { getRequest, setResponse } from "better-call/node";
import { databaseUnavailableProblem, HttpProblem, PROBLEM_CONTENT_TYPE, problemType, statusTitle } from "@authbridge/service-kit";
import { CLIENT_IP_HEADER, type Auth } from "./better-auth.js";
import { watchDatabase } from "./dependency-failures.js";

const DATABASE_FAILED: AuthAnswer = { status: 503, code: "database_unavailable", jwtHeader: false };

/** What Better Auth answered a request, as far as metrics may know it. */
export interface AuthAnswer {
  status: number;
  /** The problem's `code`, for an error. */
  code: string | undefined;
  /** Whether the answer hands out a JWT in the set-auth-jwt header. */
  jwtHeader: boolean;
}

export function betterAuthHandler(auth: Auth, baseUrl: string, onAnswer?: (req: Request, answer: AuthAnswer) => void): RequestHandler {
  return async (req, res, next) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "";
    const { outcome, databaseFailed } = await watchDatabase(() => auth.handler(getRequest({ base: baseUrl, request: req })));
    if (databaseFailed) {
      if (outcome.status === "fulfilled") await outcome.value.body?.cancel();
      onAnswer?.(req, DATABASE_FAILED);
      next(databaseUnavailableProblem());
      return;
    }
    if (outcome.status === "rejected") {
      next(outcome.reason);
      return;
    }
    try {
      const response = outcome.value;
      const { normalized, code } = await normalize(response);
      onAnswer?.(req, { status: normalized.status, code, jwtHeader: normalized.headers.has("set-auth-jwt") });
      await setResponse(res, normalized);
    } catch (error: unknown) {
      next(error);
    }
  };
}

/**
 * GET /api/auth/token through Better Auth's server API (`auth.api.getToken`):
 * the jwt plugin's own endpoint, with its session check (signed cookie,
 * expiry, session store, refresh) and its claims and signature. Better
 * Auth's HTTP handler builds its whole router anew for every request; on the
 * path clients call most, this one endpoint is called directly. Its answers
 * are the handler's: the same body, headers (a refreshed session cookie
 * included) and problems.
 */
export function tokenHandler(auth: Auth, onAnswer?: (req: Request, answer: AuthAnswer) => void): RequestHandler {
  return async (req, res, next) => {
    let status = 200;
    let headers: Headers;
    let body: Record<string, unknown>;
    const { outcome, databaseFailed } = await watchDatabase(() => auth.api.getToken({ headers: fromNodeHeaders(req.headers), returnHeaders: true }));
    if (databaseFailed) {
      onAnswer?.(req, DATABASE_FAILED);
      next(databaseUnavailableProblem());
      return;
    }
    if (outcome.status === "fulfilled") {
      headers = new Headers(outcome.value.headers);
      body = outcome.value.response;
    } else {
      const error = outcome.reason;
      if (!isAPIError(error) || error.statusCode >= 500) {
        next(error);
        return;
      }
      status = error.statusCode;
      headers = new Headers(error.headers);
      body = problemBody(status, error.body, headers);
      headers.set("content-type", PROBLEM_CONTENT_TYPE);
    }
    headers.set("cache-control", "no-store");
    onAnswer?.(req, { status, code: status >= 400 ? String(body.code) : undefined, jwtHeader: false });
    for (const cookie of headers.getSetCookie()) res.append("set-cookie", cookie);
    headers.delete("set-cookie");
    res.status(status).set(Object.fromEntries(headers));
    if (status >= 400) res.send(JSON.stringify(body));
    else res.json(body);
  };
}

async function normalize(response: Response): Promise<{ normalized: Response; code: string | undefined }> {
  const headers = new Headers(response.headers);
  headers.set("cache-control", "no-store");
  if (response.status < 400) {
    return { normalized: new Response(response.body, { status: response.status, statusText: response.statusText, headers }), code: undefined };
  }
  const problem = await toProblem(response, headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  headers.delete("content-length");
  return { normalized: new Response(JSON.stringify(problem), { status: response.status, headers }), code: String(problem.code) };
}

async function toProblem(response: Response, headers: Headers): Promise<Record<string, unknown>> {
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    // Not JSON: only the status is kept.
  }
  return problemBody(response.status, body, headers);
}

/** Better Auth's error answer (status, `{ code, message }`) as a problem; `headers` gain Retry-After for a 429. */
function problemBody(status: number, answer: unknown, headers: Headers): Record<string, unknown> {
  const body = (answer && typeof answer === "object" ? answer : {}) as { code?: unknown; message?: unknown };
  if (status >= 500) {
    // Better Auth answers 500 with an empty body for unexpected errors; its
    // details stay in the server log and never reach the client.
    return new HttpProblem(500, "internal_error", "The server could not complete the request. It has been logged.").toBody();
  }
  if (status === 429) {
    const retryAfter = headers.get("x-retry-after");
    if (retryAfter) headers.set("retry-after", retryAfter);
  }
  const code = typeof body.code === "string" && body.code ? body.code : defaultCode(status);
  const message = typeof body.message === "string" && body.message ? body.message : statusTitle(status);
  return { type: problemType(code), title: statusTitle(status), status, detail: message, code, message };
}

function defaultCode(status: number): string {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "RATE_LIMITED";
    default:
      return "BAD_REQUEST";
  }
}
