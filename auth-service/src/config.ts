// Configuration, read once from the environment and validated before anything
// starts. Every problem is reported in one full sentence naming the variable;
// nothing security-relevant falls back to a guessed default.
import { ConfigError, httpUrl, integer, list, optionalRedisUrl, parseEnv, postgresUrl, redisKeyPrefix, serviceEnvShape, serviceSettings, type ServiceSettings } from "@authbridge/service-kit";
import { z } from "zod";
import { mailEnvShape, mailSettings, type MailSettings } from "./mail/settings.js";

export { ConfigError };

export const signingAlgorithms = ["EdDSA", "ES256", "ES512", "RS256", "PS256"] as const;
export type SigningAlgorithm = (typeof signingAlgorithms)[number];

export interface AuthServiceConfig extends ServiceSettings {
  databaseUrl: string;
  /** Better Auth's secret: signs cookies and encrypts the private signing keys. */
  secret: string;
  /** Earlier secrets, only to decrypt signing keys encrypted before a rotation (BETTER_AUTH_PREVIOUS_SECRETS). */
  previousSecrets: string[];
  /** The public base URL of this service, e.g. https://auth.example.com. */
  baseUrl: string;
  jwt: {
    issuer: string;
    audience: string[];
    expiresInSeconds: number;
    algorithm: SigningAlgorithm;
    /** Scheduled key rotation (see keys/rotation.ts). */
    rotation: { publishAheadMs: number; rotationIntervalMs: number; retireAfterMs: number };
  };
  /** How long verifiers may cache the JWKS (Cache-Control max-age), in seconds. */
  jwksMaxAgeSeconds: number;
  rateLimit: { windowSeconds: number; max: number };
  /**
   * Shared rate-limit counters for many instances; unset: each instance counts in memory.
   * `commandTimeoutMs` (REDIS_COMMAND_TIMEOUT_MS): how long a command may wait for Redis's answer (see redis.ts).
   */
  redis: { url: string; keyPrefix: string; commandTimeoutMs: number } | undefined;
  passwordMinLength: number;
  /** Seconds Better Auth may trust a signed session cookie without reading the database (0 = never). */
  sessionCookieCacheSeconds: number;
  /** SMTP, the sender, retries, email verification and password reset (mail/settings.ts). */
  mail: MailSettings;
}

const schema = z.object({
  ...serviceEnvShape(4000),
  DATABASE_URL: postgresUrl("DATABASE_URL", "postgres://user:password@db:5432/authbridge_auth"),
  BETTER_AUTH_SECRET: z
    .string({ error: "BETTER_AUTH_SECRET is required: generate one with `openssl rand -base64 32` and keep it secret." })
    .min(32, { error: "BETTER_AUTH_SECRET must be at least 32 characters long; generate one with `openssl rand -base64 32`." }),
  BETTER_AUTH_PREVIOUS_SECRETS: z
    .string()
    .optional()
    .refine((value) => list(value).every((secret) => secret.length >= 32), {
      error: "BETTER_AUTH_PREVIOUS_SECRETS must be a comma-separated list of earlier BETTER_AUTH_SECRET values, each at least 32 characters long.",
    }),
  BETTER_AUTH_URL: httpUrl("BETTER_AUTH_URL").refine((value) => !URL.canParse(value) || ["", "/"].includes(new URL(value).pathname), {
    error: "BETTER_AUTH_URL must be an origin (scheme, host and port) without a path: it is the tokens' issuer, and verifiers find the discovery document under it.",
  }),
  JWT_AUDIENCE: z
    .string({ error: "JWT_AUDIENCE is required: name the API(s) the tokens are for, for example https://api.example.com." })
    .refine((value) => list(value).length > 0, { error: "JWT_AUDIENCE must name at least one audience." }),
  JWT_EXPIRES_IN_SECONDS: integer("JWT_EXPIRES_IN_SECONDS", 60, 86_400, 900),
  JWT_ALGORITHM: z
    .enum(signingAlgorithms, { error: `JWT_ALGORITHM must be one of ${signingAlgorithms.join(", ")}.` })
    .optional()
    .default("EdDSA"),
  JWKS_MAX_AGE_SECONDS: integer("JWKS_MAX_AGE_SECONDS", 0, 86_400, 300),
  JWT_KEY_ROTATION_DAYS: integer("JWT_KEY_ROTATION_DAYS", 0, 365, 30),
  JWT_KEY_PUBLISH_AHEAD_SECONDS: integer("JWT_KEY_PUBLISH_AHEAD_SECONDS", 60, 7 * 86_400, 900),
  AUTH_RATE_LIMIT_WINDOW_SECONDS: integer("AUTH_RATE_LIMIT_WINDOW_SECONDS", 1, 86_400, 60),
  AUTH_RATE_LIMIT_MAX: integer("AUTH_RATE_LIMIT_MAX", 1, 100_000, 10),
  REDIS_URL: optionalRedisUrl("REDIS_URL"),
  REDIS_KEY_PREFIX: redisKeyPrefix("REDIS_KEY_PREFIX"),
  REDIS_COMMAND_TIMEOUT_MS: integer("REDIS_COMMAND_TIMEOUT_MS", 10, 5_000, 1_000),
  PASSWORD_MIN_LENGTH: integer("PASSWORD_MIN_LENGTH", 8, 128, 12),
  SESSION_COOKIE_CACHE_SECONDS: integer("SESSION_COOKIE_CACHE_SECONDS", 0, 3_600, 0),
  ...mailEnvShape,
  NODE_ENV: z.string().optional(),
});

/**
 * Reads and validates the configuration. Throws a ConfigError whose message
 * lists every problem, one full sentence each.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuthServiceConfig {
  const e = parseEnv("auth-service", schema, env);
  const base = new URL(e.BETTER_AUTH_URL);
  if (e.NODE_ENV === "production" && base.protocol !== "https:" && !["localhost", "127.0.0.1", "[::1]"].includes(base.hostname)) {
    throw new ConfigError(
      "The auth-service configuration is invalid:\n- BETTER_AUTH_URL must be an https:// URL in production: over http the session cookie is not marked Secure.",
    );
  }
  // A new key must be in every verifier's cache before it signs: their JWKS
  // cache lifetime (never under 30 s in @authbridge/verifier, whatever
  // max-age says), their unknown-kid cooldown (30 s) and this service's own
  // key cache (30 s) must all fit in the publish-ahead time.
  const verifierCacheSeconds = Math.max(e.JWKS_MAX_AGE_SECONDS, 30);
  if (e.JWT_KEY_PUBLISH_AHEAD_SECONDS < verifierCacheSeconds + 60) {
    throw new ConfigError(
      `The auth-service configuration is invalid:\n- JWT_KEY_PUBLISH_AHEAD_SECONDS (${e.JWT_KEY_PUBLISH_AHEAD_SECONDS}) must be at least the verifiers' JWKS cache lifetime (JWKS_MAX_AGE_SECONDS, at least 30) + 60 (${verifierCacheSeconds + 60}), or verifiers could meet a token signed with a key they have not fetched yet.`,
    );
  }
  const mail = mailSettings(e);
  if (mail.problems.length > 0) throw new ConfigError(`The auth-service configuration is invalid:\n- ${mail.problems.join("\n- ")}`);
  const baseUrl = new URL(e.BETTER_AUTH_URL).origin;
  return {
    ...serviceSettings(e),
    databaseUrl: e.DATABASE_URL,
    secret: e.BETTER_AUTH_SECRET,
    previousSecrets: list(e.BETTER_AUTH_PREVIOUS_SECRETS).filter((secret) => secret !== e.BETTER_AUTH_SECRET),
    baseUrl,
    jwt: {
      issuer: baseUrl,
      audience: list(e.JWT_AUDIENCE),
      expiresInSeconds: e.JWT_EXPIRES_IN_SECONDS,
      algorithm: e.JWT_ALGORITHM,
      rotation: {
        publishAheadMs: e.JWT_KEY_PUBLISH_AHEAD_SECONDS * 1000,
        rotationIntervalMs: e.JWT_KEY_ROTATION_DAYS * 86_400_000,
        // Tokens signed with a replaced key stay verifiable for their whole
        // lifetime, plus the 30 s another instance may keep signing with it
        // (its key cache) and a minute of clock skew.
        retireAfterMs: (e.JWT_EXPIRES_IN_SECONDS + 30 + 60) * 1000,
      },
    },
    jwksMaxAgeSeconds: e.JWKS_MAX_AGE_SECONDS,
    rateLimit: { windowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS, max: e.AUTH_RATE_LIMIT_MAX },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX, commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS } : undefined,
    passwordMinLength: e.PASSWORD_MIN_LENGTH,
    sessionCookieCacheSeconds: e.SESSION_COOKIE_CACHE_SECONDS,
    mail: mail.settings,
  };
}
