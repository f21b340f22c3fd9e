// Rate limits on the credential endpoints (sign-in, sign-up), in front of
// Better Auth's own limiter. Keyed on req.ip: with TRUST_PROXY unset that is the
// socket's address, so a spoofed X-Forwarded-For cannot open a fresh bucket.
import { createHash } from "node:crypto";
import { rateLimit, ipKeyGenerator, type Store } from "express-rate-limit";
import type { Request, RequestHandler } from "express";
import { HttpProblem } from "@authbridge/service-kit";

export interface RateLimitOptions {
  windowSeconds: number;
  max: number;
  /** Shared counters (Redis); in memory when absent. */
  store?: Store | undefined;
  /** Where store errors go (Redis outages are logged once by redis.ts, so these are debug). */
  logger?: { debug(details: object, message: string): void } | undefined;
  /** Hears each request the limit refuses (for metrics). */
  onLimited?: ((req: Request) => void) | undefined;
}

/** The client's address as a rate-limit key: IPv6 clients are limited per /56, as one subscriber usually holds a whole prefix. */
const clientKey = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "");

export function credentialRateLimit(options: RateLimitOptions): RequestHandler {
  return limiter(options, clientKey, "from this address");
}

/** The endpoints that send mail (reset, resend verification, sign-up), limited per client address. */
export const mailClientRateLimit = credentialRateLimit;

/**
 * The same endpoints limited per email address, whatever the client: nobody
 * can flood one mailbox from many addresses. The key is a hash of the
 * normalised address (no address is stored in Redis), and it counts requests
 * whether or not the address has an account, so a 429 says nothing about it.
 * A body without an `email` string is left to Better Auth's validation.
 */
export function mailAddressRateLimit(options: RateLimitOptions): RequestHandler {
  const email = (req: Request): unknown => (req.body as { email?: unknown } | undefined)?.email;
  return limiter(
    { ...options },
    (req) => createHash("sha256").update(String(email(req)).trim().toLowerCase()).digest("base64url").slice(0, 32),
    "for this email address",
    (req) => typeof email(req) !== "string",
  );
}

function limiter(options: RateLimitOptions, keyGenerator: (req: Request) => string, what: string, skip?: (req: Request) => boolean): RequestHandler {
  return rateLimit({
    windowMs: options.windowSeconds * 1000,
    limit: options.max,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    ...(options.store ? { store: options.store } : {}),
    // A store that fails (Redis down) lets the request through: see redis.ts.
    passOnStoreError: true,
    ...(options.logger
      ? {
          logger: {
            warn: (error: unknown, message?: string) => options.logger?.debug({ err: error }, message ?? "rate limiter warning"),
            error: (error: unknown, message?: string) => options.logger?.debug({ err: error }, message ?? "rate limiter error"),
          },
        }
      : {}),
    keyGenerator,
    ...(skip ? { skip } : {}),
    handler: (req, _res, next) => {
      options.onLimited?.(req);
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + options.windowSeconds * 1000) - Date.now()) / 1000));
      next(
        new HttpProblem(
          429,
          "RATE_LIMITED",
          `Too many attempts ${what}; try again in ${retryAfter} seconds.`,
          { "Retry-After": String(retryAfter) },
        ),
      );
    },
  });
}
