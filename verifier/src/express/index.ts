// The Express adapter over the verification core: `requireAuth` and
// `optionalAuth` put the caller's principal on `req.auth`, or pass an AuthError
// to `next` for the application's error handler to render. `requireRole`,
// `claimEquals`, `claimIncludes` and `claimCheck` check the claims of that
// principal (core/claims.ts) and pass a 403 InsufficientScopeError on. `authErrorHandler`
// renders them (problem+json with the RFC 6750 challenge) for applications
// that have no error handler of their own. Everything else is the core's
// `authenticate`.
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler } from "express";
import {
  AuthError,
  authErrorResponse,
  claimCheck as claimCheckRequirement,
  claimEquals as claimEqualsRequirement,
  claimIncludes as claimIncludesRequirement,
  requireRole as roleRequirement,
  tokenSourceFromRawHeaders,
  TokenMissingError,
  type AuthenticateOptions,
  type ClaimRequirement,
  type ClaimValue,
  type Principal,
  type TokenSource,
  type Verifier,
} from "../core/index.js";
import type { JWTPayload } from "jose";

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
 * Requires the caller (`req.auth`, set by requireAuth or optionalAuth before
 * it) to meet every requirement: passes a 403 InsufficientScopeError on when
 * one is not met, and a 401 TokenMissingError when there is no caller at all.
 *
 * @example
 * app.get("/api/v1/reports", requireAuth(verifier), requireClaims(claimEquals("email_verified", true)), handler);
 */
export function requireClaims(...requirements: readonly ClaimRequirement[]): RequestHandler {
  if (requirements.length === 0) throw new TypeError("requireClaims needs at least one requirement.");
  return (req, _res, next) => {
    if (!req.auth) {
      next(new TokenMissingError());
      return;
    }
    try {
      for (const requirement of requirements) requirement.assert(req.auth);
    } catch (error: unknown) {
      next(error);
      return;
    }
    next();
  };
}

/**
 * The caller's `role` claim must be one of `roles`; otherwise 403
 * insufficient_scope. Place it after requireAuth.
 *
 * @example
 * app.delete("/api/v1/posts/:id", requireAuth(verifier), requireRole("moderator", "admin"), handler);
 */
export function requireRole(...roles: readonly string[]): RequestHandler {
  return requireClaims(roleRequirement(...roles));
}

/**
 * The claim must equal `expected`; otherwise 403 insufficient_scope.
 *
 * @example
 * app.post("/api/v1/posts", requireAuth(verifier), claimEquals("email_verified", true), handler);
 */
export function claimEquals(claim: string, expected: ClaimValue): RequestHandler {
  return requireClaims(claimEqualsRequirement(claim, expected));
}

/**
 * The claim (an array, or a space-separated string such as `scope`) must
 * include every value; otherwise 403 insufficient_scope.
 *
 * @example
 * app.post("/api/v1/posts", requireAuth(verifier), claimIncludes("scope", "posts:write"), handler);
 */
export function claimIncludes(claim: string, ...expected: readonly ClaimValue[]): RequestHandler {
  return requireClaims(claimIncludesRequirement(claim, ...expected));
}

/**
 * `check` decides from the verified claims: `true` allows, anything else
 * (or a throw) answers 403 insufficient_scope with `description`.
 *
 * @example
 * app.get("/api/v1/acme", requireAuth(verifier), claimCheck((claims) => claims.org === "acme", "Only for acme."), handler);
 */
export function claimCheck(check: (claims: Readonly<JWTPayload>, principal: Principal) => boolean, description?: string): RequestHandler {
  return requireClaims(claimCheckRequirement(check, description));
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

export type { ClaimRequirement, ClaimValue, Principal, Verifier };
