// The auth-service's own Prometheus metrics, read from the answers Better
// Auth gives and from the rate limiters: tokens issued, sign-in failures by
// Better Auth's error code, and rate-limit rejections by limiter and endpoint.
// Labels come from fixed sets (Better Auth's endpoint paths and error codes),
// never from a request: no email, user id, session or token.
import { labelRoute } from "@authbridge/service-kit";
import { BASE_ERROR_CODES } from "better-auth";
import type { Request, RequestHandler } from "express";
import { Counter, type Registry } from "prom-client";
import type { AuthAnswer } from "../auth/handler.js";
import { AUTH_BASE_PATH, SIGN_IN_PATH, SIGN_UP_PATH, TOKEN_PATH } from "../auth/paths.js";

/** Better Auth's mount as Express sees it, for paths that name no endpoint. */
const OTHER_ENDPOINT = `${AUTH_BASE_PATH}/*splat`;

/** Codes our Better Auth handler answers besides Better Auth's own (see handler.ts). */
const HANDLER_CODES = ["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED", "BAD_REQUEST", "internal_error"];
const KNOWN_CODES: ReadonlySet<string> = new Set([...Object.keys(BASE_ERROR_CODES), ...HANDLER_CODES]);

export interface AuthServiceMetrics {
  /** Middleware for AUTH_BASE_PATH: labels each request with its Better Auth endpoint's path template. */
  labelRoutes: RequestHandler;
  /** For betterAuthHandler: counts tokens issued, sign-in failures and Better Auth's own 429s. */
  answered(req: Request, answer: AuthAnswer): void;
  /** For the express-rate-limit in front of Better Auth. */
  limited(req: Request): void;
}

/**
 * @param endpoints Better Auth's endpoints (`Object.values(auth.api)`): their
 * paths, such as `/sign-in/email` or `/reset-password/:token`, are the only
 * endpoint labels; a path that matches none is labelled `/api/auth/*splat`.
 */
export function authServiceMetrics(registry: Registry, endpoints: Iterable<{ path?: unknown }>): AuthServiceMetrics {
  const endpointOf = endpointMatcher(endpoints);
  const registers = [registry];

  const tokens = new Counter({
    name: "authbridge_tokens_issued_total",
    help: "Access tokens (JWTs) handed out: by GET /api/auth/token, or in the set-auth-jwt header of /api/auth/get-session.",
    labelNames: ["via"] as const,
    registers,
  });
  const signInFailures = new Counter({
    name: "authbridge_sign_in_failures_total",
    help: "Email sign-ins Better Auth refused, by its error code (rate-limited attempts are counted in authbridge_rate_limit_rejections_total).",
    labelNames: ["code"] as const,
    registers,
  });
  const rejections = new Counter({
    name: "authbridge_rate_limit_rejections_total",
    help: 'Requests answered 429, by limiter ("express": per-address limits on sign-in and sign-up; "better_auth": Better Auth\'s own) and endpoint.',
    labelNames: ["limiter", "endpoint"] as const,
    registers,
  });
  for (const via of ["token_endpoint", "set_auth_jwt_header"]) tokens.inc({ via }, 0);
  signInFailures.inc({ code: "INVALID_EMAIL_OR_PASSWORD" }, 0);
  for (const limiter of ["express", "better_auth"]) for (const endpoint of [SIGN_IN_PATH, SIGN_UP_PATH]) rejections.inc({ limiter, endpoint }, 0);

  return {
    labelRoutes: (req, _res, next) => {
      labelRoute(req, endpointOf(req.baseUrl + req.path));
      next();
    },
    answered(req, { status, code, jwtHeader }) {
      const endpoint = endpointOf(req.path);
      if (endpoint === TOKEN_PATH && status === 200) tokens.inc({ via: "token_endpoint" });
      if (jwtHeader) tokens.inc({ via: "set_auth_jwt_header" });
      if (status === 429) rejections.inc({ limiter: "better_auth", endpoint });
      else if (endpoint === SIGN_IN_PATH && status >= 400) signInFailures.inc({ code: code !== undefined && KNOWN_CODES.has(code) ? code : "other" });
    },
    limited(req) {
      rejections.inc({ limiter: "express", endpoint: endpointOf(req.path) });
    },
  };
}

/** The endpoint template a full path falls under: `/api/auth/reset-password/:token` for `/api/auth/reset-password/abc`. */
function endpointMatcher(endpoints: Iterable<{ path?: unknown }>): (path: string) => string {
  const exact = new Set<string>();
  const patterns: Array<{ pattern: RegExp; template: string }> = [];
  for (const { path } of endpoints) {
    if (typeof path !== "string" || !path.startsWith("/")) continue;
    if (!path.includes("/:")) {
      exact.add(path);
      continue;
    }
    const source = path
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    patterns.push({ pattern: new RegExp(`^${source}$`), template: path });
  }
  return (fullPath) => {
    if (!fullPath.startsWith(`${AUTH_BASE_PATH}/`)) return OTHER_ENDPOINT;
    const path = fullPath.slice(AUTH_BASE_PATH.length);
    if (exact.has(path)) return AUTH_BASE_PATH + path;
    const match = patterns.find(({ pattern }) => pattern.test(path));
    return match ? AUTH_BASE_PATH + match.template : OTHER_ENDPOINT;
  };
}
