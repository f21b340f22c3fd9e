// Who may keep a copy of an answer, decided here for every route from its
// auth mode and whether the request carried a token (req.auth):
//
//   requireAuth routes          Cache-Control: no-store
//   optionalAuth, signed in     Cache-Control: no-store;          Vary: Authorization
//   optionalAuth, anonymous     Cache-Control: public, no-cache;  Vary: Authorization
//   any error                   Cache-Control: no-store (service-kit's sendProblem)
//
// An anonymous answer is the public view, the same for everyone, so a shared
// cache (a CDN) may keep it; `no-cache` makes it revalidate every time
// (Express's ETag answers 304 when nothing changed), so a post made private,
// changed or deleted is never served stale. A max-age would let it serve a
// post that was just made private for that long. Vary tells caches that a
// request with a token gets a different answer.
import type { RequestHandler } from "express";

export const PRIVATE = "no-store";
export const PUBLIC_REVALIDATED = "public, no-cache";

/** requireAuth, with its answers marked no-store. */
export function privateAnswers(requireAuth: RequestHandler): RequestHandler {
  return (req, res, next) => {
    res.setHeader("cache-control", PRIVATE);
    requireAuth(req, res, next);
  };
}

/** optionalAuth, with its answers varying on Authorization: no-store for a caller, public (revalidated) for anonymous requests. */
export function answersByCaller(optionalAuth: RequestHandler): RequestHandler {
  return (req, res, next) => {
    res.vary("Authorization");
    optionalAuth(req, res, (error?: unknown) => {
      res.setHeader("cache-control", req.auth ? PRIVATE : PUBLIC_REVALIDATED);
      next(error);
    });
  };
}
