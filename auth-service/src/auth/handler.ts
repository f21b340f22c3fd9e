// Mounts Better Auth on Express 5, with three things toNodeHandler does not do:
// - the request URL is built from the configured base URL, never from the
//   client's Host or X-Forwarded-Proto headers;
// - the client address Better Auth rate-limits on is the one Express computed
//   (TRUST_PROXY-aware), overwriting whatever the client sent;
// - every error Better Auth answers becomes application/problem+json (its
//   `code` and `message` stay, so Better Auth's own client keeps working), and
//   responses are marked no-store (sessions and tokens must never be cached).
// Each answer can be observed (status, problem code, whether it hands out a
// token), for metrics; never its body or headers' values.
import type { Request, RequestHandler } from "express";
import { getRequest, setResponse } from "better-call/node";
import { HttpProblem, PROBLEM_CONTENT_TYPE, problemType, statusTitle } from "@authbridge/service-kit";
import { CLIENT_IP_HEADER, type Auth } from "./better-auth.js";

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
    try {
      const response = await auth.handler(getRequest({ base: baseUrl, request: req }));
      const { normalized, code } = await normalize(response);
      onAnswer?.(req, { status: normalized.status, code, jwtHeader: normalized.headers.has("set-auth-jwt") });
      await setResponse(res, normalized);
    } catch (error: unknown) {
      next(error);
    }
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
  let body: { code?: unknown; message?: unknown } = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === "object") body = parsed as typeof body;
  } catch {
    // Not JSON: only the status is kept.
  }
  const status = response.status;
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
