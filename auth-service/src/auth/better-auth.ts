// Better Auth, configured for this service: email + password, sessions in
// PostgreSQL, the jwt plugin issuing short-lived tokens with the exact claim
// set of claims.ts, and the admin plugin for roles and bans (roles.ts).
import { betterAuth } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { admin, jwt } from "better-auth/plugins";
import type { Logger } from "pino";
import type { AuthServiceConfig } from "../config.js";
import type { Database } from "../db.js";
import { customClaims } from "./claims.js";
import { AUTH_BASE_PATH, JWKS_PATH } from "./paths.js";
import { emailOptions, verificationLinksWorkOnce } from "./email.js";
import type { Outbox } from "../mail/outbox.js";
import { accessControl, ADMIN_PATHS, DEFAULT_ROLE, isRole, rolePermissions } from "./roles.js";
import { keyPairConfig } from "../keys/key-pairs.js";
import type { SigningKeys } from "../keys/signing-keys.js";
import { checkPassword } from "./password-policy.js";
import type { SharedLimits } from "../redis.js";
import type { RevocationPublisher } from "../sessions/revocations.js";
import type { SessionCache } from "../sessions/secondary-storage.js";

/** What the auth-service keeps in Redis when REDIS_URL is set (see redis.ts). */
export interface SharedState {
  limits: SharedLimits;
  sessionCache: SessionCache;
  revocations: RevocationPublisher;
}

/**
 * The header that carries the client's address into Better Auth. The Express
 * layer overwrites it on every request with `req.ip` (which honours TRUST_PROXY),
 * so a client cannot choose its own rate-limit bucket with X-Forwarded-For.
 */
export const CLIENT_IP_HEADER = "x-authbridge-client-ip";

/** The most rows Better Auth reads at once (see `defaultFindManyLimit` below). */
const SESSIONS_READ_LIMIT = 100_000;

const credentialPaths = ["/sign-in/email", "/sign-up/email"] as const;

/** Every endpoint that sets a password, and the body field that carries it. */
const passwordFields: Record<string, string> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/reset-password": "newPassword",
};

/**
 * Better Auth's own log lines may name an email address or say whether an
 * account exists ("User not found", "Invalid password", "Sign-up attempt for
 * existing email"); both would undo the enumeration protection for anyone who
 * reads the logs.
 */
function scrubAuthLog(message: string): string {
  if (/user not found|invalid password|existing email/i.test(message)) return "credential check failed";
  return message.replace(/[^\s@"'<>]+@[^\s@"'<>]+/g, "[email]");
}

export function createAuth(config: AuthServiceConfig, db: Database, signingKeys: SigningKeys, logger: Logger, shared?: SharedState, outbox?: Outbox) {
  const limit = { window: config.rateLimit.windowSeconds, max: config.rateLimit.max };
  const customRules: Record<string, { window: number; max: number } | false> = {
    // Public keys and cookie-authenticated reads: limiting them per address would
    // throttle every user behind one NAT; they cost a signature at most.
    "/jwks": false,
    "/token": false,
    "/get-session": false,
  };
  for (const path of credentialPaths) customRules[path] = limit;
  // With SMTP, the endpoints that send mail are limited per client and per
  // email address in front of Better Auth (app.ts, MAIL_RATE_LIMIT_*), in
  // place of its fixed 3 per minute.
  if (config.mail.smtp) for (const path of ["/request-password-reset", "/send-verification-email"]) customRules[path] = false;
  // Verification, reset and the mail to an existing account's owner (auth/email.ts).
  const email = emailOptions(config, outbox);

  return betterAuth({
    appName: "authbridge",
    baseURL: config.baseUrl,
    basePath: AUTH_BASE_PATH,
    secret: config.secret,
    // Better Auth's own Kysely adapter on the service's pool: the same tables
    // (Prisma's schema defines them), without Prisma's per-query compilation
    // on the sign-in and token paths.
    database: db.pool,
    // With Redis, sessions are cached there for every instance (a session
    // lookup is a Redis GET instead of two PostgreSQL queries) and still
    // written to PostgreSQL, which stays the source of truth when Redis is away.
    ...(shared ? { secondaryStorage: shared.sessionCache } : {}),
    trustedOrigins: config.corsOrigins,
    emailAndPassword: {
      enabled: true,
      // Without auto sign-in, Better Auth answers a sign-up for an existing
      // address exactly like one for a new address (after hashing the password
      // either way): no account enumeration. The client signs in next.
      autoSignIn: false,
      minPasswordLength: config.passwordMinLength,
      maxPasswordLength: 128,
      ...email.emailAndPassword,
    },
    ...(email.emailVerification ? { emailVerification: email.emailVerification } : {}),
    session: {
      storeSessionInDatabase: true,
      // Off by default: with a cookie cache, a session that was signed out or
      // revoked can still mint tokens from a copy of its cookies until the
      // cache expires. On, it saves the two session queries of every
      // /api/auth/token request (see docs/benchmarks.md).
      cookieCache: { enabled: config.sessionCookieCacheSeconds > 0, maxAge: Math.max(config.sessionCookieCacheSeconds, 1) },
    },
    rateLimit: {
      // On in every environment (Better Auth only enables it in production).
      enabled: true,
      window: 60,
      max: 100,
      customRules,
      // Its own atomic script rather than Better Auth's "secondary-storage" mode,
      // which answers Retry-After with the whole window instead of the time left.
      ...(shared ? { customStorage: shared.limits.betterAuthStorage } : {}),
    },
    advanced: {
      // Better Auth reads the rows a bulk delete removes ("revoke all
      // sessions", a password change) with its default find limit of 100, and
      // runs the delete hooks for those only: a user with more sessions would
      // have some ended without being announced to the resource-services.
      database: { defaultFindManyLimit: SESSIONS_READ_LIMIT },
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Explicit, so NODE_ENV=test cannot silently turn the CSRF/origin check off.
      disableOriginCheck: false,
      disableCSRFCheck: false,
    },
    telemetry: { enabled: false },
    // Unexpected errors propagate to the Express error handler, which logs them
    // with pino and answers a generic 500 problem (instead of better-call
    // printing them to the console).
    onAPIError: { throw: true },
    logger: {
      // Not "warn"/"error": at those levels Better Auth also prints every
      // client error (a wrong password, a short one) to the console as an error.
      level: "info",
      log: (level, message, ...args) => {
        const err = args.find((arg): arg is Error => arg instanceof Error);
        logger[level]({ component: "better-auth", ...(err ? { err } : {}) }, scrubAuthLog(message));
      },
    },
    // Every ended session (sign-out, revoke-session(s), password change with
    // revokeOtherSessions, user deletion) is announced to the resource-services.
    ...(shared
      ? { databaseHooks: { session: { delete: { after: async (session: { id: string }) => shared.revocations.revoke(session.id) } } } }
      : {}),
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path.startsWith("/admin/")) {
          checkAdminPath(ctx.path);
          if (ctx.path === "/admin/set-role") checkRoleChange(ctx.body, (await getSessionFromCtx(ctx))?.user.id);
          return;
        }
        const field = passwordFields[ctx.path];
        if (!field) return;
        const password: unknown = (ctx.body as Record<string, unknown> | undefined)?.[field];
        if (typeof password !== "string") return; // Better Auth's own validation answers.
        const verdict = checkPassword(password, config.passwordMinLength);
        if (!verdict.ok) throw new APIError("BAD_REQUEST", { code: verdict.code, message: verdict.message });
      }),
    },
    plugins: [
      verificationLinksWorkOnce(config),
      // Roles and bans. A ban ends every session of the user through the
      // session delete hook above, so it is announced exactly like a sign-out.
      admin({
        ac: accessControl,
        roles: rolePermissions,
        defaultRole: DEFAULT_ROLE,
        adminRoles: ["admin"],
        bannedUserMessage: "This account is banned.",
      }),
      jwt({
        jwks: {
          keyPairConfig: keyPairConfig(config.jwt.algorithm),
          // The JWKS is served by keys/routes.ts from the same keys that sign.
          remoteUrl: `${config.baseUrl}${JWKS_PATH}`,
        },
        jwt: {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience.length === 1 ? config.jwt.audience[0] : config.jwt.audience,
          expirationTime: `${config.jwt.expiresInSeconds}s`,
          definePayload: ({ user, session }) => {
            const role: unknown = (user as { role?: unknown }).role;
            if (!isRole(role)) logger.warn({ userId: user.id }, `a user's stored role is not one of the fixed set: the token carries "${DEFAULT_ROLE}"`);
            return customClaims(user, session);
          },
          sign: (payload) => signingKeys.sign(payload),
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * The admin endpoints' rules beyond the plugin's permissions: only the paths
 * of roles.ts are served (404 otherwise); a role is one name of the fixed set,
 * never a list; and nobody changes their own role, admins included (an admin
 * cannot demote themselves by mistake and leave no admin; another admin or the
 * operator's CLI does it).
 */
function checkAdminPath(path: string): void {
  if (!ADMIN_PATHS.has(path)) throw new APIError("NOT_FOUND", { code: "NOT_FOUND", message: "Not found." });
}

function checkRoleChange(body: unknown, callerId: string | undefined): void {
  const { userId, role } = (body && typeof body === "object" ? body : {}) as { userId?: unknown; role?: unknown };
  if (!isRole(role)) throw new APIError("BAD_REQUEST", { code: "INVALID_ROLE", message: 'The role must be one of "user", "moderator" or "admin".' });
  if (callerId !== undefined && userId === callerId) throw new APIError("FORBIDDEN", { code: "CANNOT_CHANGE_OWN_ROLE", message: "You cannot change your own role." });
}
