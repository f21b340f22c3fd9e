// The Express adapter over the verification core: `requireAuth` and
// `optionalAuth` put the caller's principal on `req.auth`, or pass an AuthError
// to `next` for the application's error handler to render. `authErrorHandler`
// renders them (problem+json with the RFC 6750 challenge) for applications
// that have no error handler of their own. Everything else is the core's
// `authenticate`.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler } from "express";
import { AuthError, authErrorResponse, tokenSourceFromRawHeaders, type AuthenticateOptions, type Principal, type TokenSource, type Verifier } from "../core/index.js";

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
  return tokenSourceFromRawHeaders(req.rawHeaders, req.originalUrl);
}

const REQUIRED: AuthenticateOptions = { optional: false };
const OPTIONAL: AuthenticateOptions = { optional: true };

function admit(req: Request, principal: Principal | undefined, next: NextFunction): void {
  if (principal) req.auth = principal;
  next();
}

function authenticating(verifier: Verifier, options: AuthenticateOptions): RequestHandler {
  return (req, _res, next) => {
    let result: ReturnType<Verifier["authenticate"]>;
    try {
      result = verifier.authenticate(tokenSource(req), options);
    } catch (error: unknown) {
      next(error);
      return;
    }
    // A token verified before is answered synchronously: no promise, no tick.
    if (result instanceof Promise) result.then((principal) => admit(req, principal, next), next);
    else admit(req, result, next);
  };
}

/**
 * Requires a valid bearer token: sets `req.auth`, or fails with 401/400.
 *
 * @example
 * app.get("/api/v1/me", requireAuth(verifier), (req, res) => res.json({ id: req.auth!.sub }));
 */
export function requireAuth(verifier: Verifier): RequestHandler {
  return authenticating(verifier, REQUIRED);
}

/**
 * No token means an anonymous caller (`req.auth` undefined). A token that is
 * present but invalid still fails with 401: a client that believes it is
 * signed in must learn that its token is bad, not silently see less.
 *
 * @example
 * app.get("/api/v1/posts", optionalAuth(verifier), (req, res) => res.json(req.auth ? mine(req.auth.sub) : everyone()));
 */
export function optionalAuth(verifier: Verifier): RequestHandler {
  return authenticating(verifier, OPTIONAL);
}

/**
 * Renders AuthErrors as application/problem+json (core's authErrorResponse);
 * passes anything else on.
 *
 * @example
 * app.use(authErrorHandler({ realm: "my-api" }));
 */
export function authErrorHandler(options: { realm: string }): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (!(error instanceof AuthError)) {
      next(error);
      return;
    }
    const { status, headers, body } = authErrorResponse(error, options.realm);
    res.status(status).set(headers).type("application/problem+json").send(JSON.stringify(body));
  };
}

export type { Principal, Verifier };
