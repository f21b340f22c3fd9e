// The Express adapter over the verification core: `requireAuth` and
// `optionalAuth` put the caller's principal on `req.auth`, or pass an AuthError
// to `next` for the application's error handler to render. `authErrorHandler`
// renders them (problem+json with the RFC 6750 challenge) for applications
// that have no error handler of their own.
import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { AuthError, extractBearerToken, TokenMissingError, type Principal, type TokenSource, type Verifier } from "../core/index.js";

declare global {
  namespace Express {
    interface Request {
      /** The authenticated caller, set by requireAuth/optionalAuth; undefined when anonymous. */
      auth?: Principal;
    }
  }
}

/** Reads the token sources of a request: every raw Authorization header, and whether the query has access_token. */
export function tokenSource(req: Request): TokenSource {
  const authorization: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]?.toLowerCase() === "authorization") authorization.push(req.rawHeaders[index + 1] ?? "");
  }
  const query = req.originalUrl.indexOf("?");
  const queryToken = query >= 0 && new URLSearchParams(req.originalUrl.slice(query + 1)).has("access_token");
  return { authorization, queryToken };
}

/**
 * Requires a valid bearer token: sets `req.auth`, or fails with 401/400.
 *
 * @example
 * app.get("/api/v1/me", requireAuth(verifier), (req, res) => res.json({ id: req.auth!.sub }));
 */
export function requireAuth(verifier: Verifier): RequestHandler {
  return (req, _res, next) => {
    let token: string;
    try {
      token = extractBearerToken(tokenSource(req));
    } catch (error: unknown) {
      next(error);
      return;
    }
    authenticate(verifier, token, req, next);
  };
}

/** Verifies `token` into req.auth: synchronously when it was verified before, else asynchronously. */
function authenticate(verifier: Verifier, token: string, req: Request, next: (error?: unknown) => void): void {
  let principal: Principal | undefined;
  try {
    principal = verifier.verifyCached(token);
  } catch (error: unknown) {
    next(error);
    return;
  }
  if (principal) {
    req.auth = principal;
    next();
    return;
  }
  verifier.verify(token).then(
    (verified) => {
      req.auth = verified;
      next();
    },
    (error: unknown) => next(error),
  );
}

/**
 * No token means an anonymous caller (`req.auth` undefined). A token that is
 * present but invalid still fails with 401: a client that believes it is
 * signed in must learn that its token is bad, not silently see less.
 */
export function optionalAuth(verifier: Verifier): RequestHandler {
  return (req, _res, next) => {
    let token: string;
    try {
      token = extractBearerToken(tokenSource(req));
    } catch (error: unknown) {
      next(error instanceof TokenMissingError ? undefined : error);
      return;
    }
    authenticate(verifier, token, req, next);
  };
}

export interface AuthErrorResponse {
  status: number;
  code: string;
  title: string;
  detail: string;
  headers: Record<string, string>;
}

const titles: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 503: "Service Unavailable" };

/**
 * How an AuthError is answered: status, stable code, the WWW-Authenticate
 * challenge, and Cache-Control: no-store (the answer depends on the token).
 */
export function authErrorResponse(error: AuthError, realm: string): AuthErrorResponse {
  const challenge = error.challenge(realm);
  const headers: Record<string, string> = challenge ? { "WWW-Authenticate": challenge } : { "Retry-After": "5" };
  return { status: error.status, code: error.code, title: titles[error.status] ?? "Unauthorized", detail: error.description, headers: { ...headers, "Cache-Control": "no-store" } };
}

/** Renders AuthErrors as application/problem+json; passes anything else on. */
export function authErrorHandler(options: { realm: string }): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!(error instanceof AuthError)) {
      next(error);
      return;
    }
    const { status, code, title, detail, headers } = authErrorResponse(error, options.realm);
    res
      .status(status)
      .set(headers)
      .type("application/problem+json")
      .send(JSON.stringify({ type: `urn:authbridge:problem:${code}`, title, status, detail, code }));
  };
}

export type { Principal, Verifier };
