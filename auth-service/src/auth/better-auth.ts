// Better Auth, configured for this service: email + password, sessions in
// PostgreSQL, and the jwt plugin issuing short-lived tokens with the exact
// claim set of claims.ts.
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { jwt, type JWKOptions } from "better-auth/plugins";
import type { Logger } from "pino";
import type { AuthServiceConfig } from "../config.js";
import type { Database } from "../db.js";
import { customClaims } from "./claims.js";
import { checkPassword } from "./password-policy.js";

/**
 * The header that carries the client's address into Better Auth. The Express
 * layer overwrites it on every request with `req.ip` (which honours TRUST_PROXY),
 * so a client cannot choose its own rate-limit bucket with X-Forwarded-For.
 */
export const CLIENT_IP_HEADER = "x-authbridge-client-ip";

const credentialPaths = ["/sign-in/email", "/sign-up/email"] as const;

export function createAuth(config: AuthServiceConfig, db: Database, logger: Logger) {
  const limit = { window: config.rateLimit.windowSeconds, max: config.rateLimit.max };
  const customRules: Record<string, { window: number; max: number } | false> = {
    // Public keys and cookie-authenticated reads: limiting them per address would
    // throttle every user behind one NAT; they cost a signature at most.
    "/jwks": false,
    "/token": false,
    "/get-session": false,
  };
  for (const path of credentialPaths) customRules[path] = limit;

  return betterAuth({
    appName: "authbridge",
    baseURL: config.baseUrl,
    basePath: "/api/auth",
    secret: config.secret,
    database: prismaAdapter(db, { provider: "postgresql" }),
    trustedOrigins: config.corsOrigins,
    emailAndPassword: {
      enabled: true,
      // Without auto sign-in, Better Auth answers a sign-up for an existing
      // address exactly like one for a new address (after hashing the password
      // either way): no account enumeration. The client signs in next.
      autoSignIn: false,
      minPasswordLength: config.passwordMinLength,
      maxPasswordLength: 128,
    },
    rateLimit: {
      // On in every environment (Better Auth only enables it in production).
      enabled: true,
      window: 60,
      max: 100,
      customRules,
    },
    advanced: {
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
        logger[level]({ component: "better-auth", ...(err ? { err } : {}) }, message);
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== "/sign-up/email") return;
        const password: unknown = (ctx.body as { password?: unknown } | undefined)?.password;
        if (typeof password !== "string") return; // Better Auth's own validation answers.
        const verdict = checkPassword(password, config.passwordMinLength);
        if (!verdict.ok) throw new APIError("BAD_REQUEST", { code: verdict.code, message: verdict.message });
      }),
    },
    plugins: [
      jwt({
        jwks: {
          keyPairConfig: keyPairConfig(config.jwt.algorithm),
          jwksPath: "/jwks",
        },
        jwt: {
          issuer: config.jwt.issuer,
          audience: config.jwt.audience.length === 1 ? config.jwt.audience[0] : config.jwt.audience,
          expirationTime: `${config.jwt.expiresInSeconds}s`,
          definePayload: ({ user, session }) => customClaims(user, session),
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

function keyPairConfig(algorithm: AuthServiceConfig["jwt"]["algorithm"]): JWKOptions {
  switch (algorithm) {
    case "EdDSA":
      return { alg: "EdDSA", crv: "Ed25519" };
    case "ES256":
      return { alg: "ES256" };
    case "ES512":
      return { alg: "ES512" };
    case "RS256":
      return { alg: "RS256", modulusLength: 2048 };
    case "PS256":
      return { alg: "PS256", modulusLength: 2048 };
  }
}
