// The resource-service's configuration, validated once at start. Everything
// about trusting tokens is explicit: the issuer, the audience and the allowed
// algorithms; there is no secret, because tokens are verified with the
// issuer's public keys.
import { ConfigError, flag, httpUrl, integer, list, optionalRedisUrl, parseEnv, postgresUrl, redisKeyPrefix, serviceEnvShape, serviceSettings, type ServiceSettings } from "@authbridge/service-kit";
import { z } from "zod";

export { ConfigError };

const allowedAlgorithms = ["EdDSA", "ES256", "ES512", "RS256", "PS256"] as const;

export interface ResourceServiceConfig extends ServiceSettings {
  databaseUrl: string;
  auth: {
    issuer: string;
    audience: string[];
    jwksUri: string | undefined;
    algorithms: string[];
    /**
     * Also accept tokens without a `typ` header: only while tokens from an
     * auth-service that did not type them may still be live (see
     * docs/token-contract.md). Tokens typed as anything but at+jwt are refused either way.
     */
    acceptUntypedTokens: boolean;
    clockToleranceSeconds: number;
    maxTokenAgeSeconds: number | undefined;
    /** The realm named in WWW-Authenticate challenges. */
    realm: string;
    jwks: { cooldownMs: number; fetchTimeoutMs: number; staleIfErrorMs: number; maxMaxAgeMs: number };
    cacheSize: number;
    /** Where the auth-service publishes ended sessions (opt-in); tokens of an ended session are refused. */
    revocations: { url: string; keyPrefix: string; maxEntries: number } | undefined;
  };
}

const schema = z.object({
  ...serviceEnvShape(4001),
  DATABASE_URL: postgresUrl("DATABASE_URL", "postgres://user:password@db:5432/authbridge_resource"),
  AUTH_ISSUER: httpUrl("AUTH_ISSUER"),
  AUTH_AUDIENCE: z
    .string({ error: "AUTH_AUDIENCE is required: the audience tokens must name to be accepted here, for example https://api.example.com." })
    .refine((value) => list(value).length > 0, { error: "AUTH_AUDIENCE must name at least one audience." }),
  AUTH_JWKS_URL: httpUrl("AUTH_JWKS_URL").optional(),
  AUTH_ALGORITHMS: z
    .string()
    .optional()
    .refine((value) => list(value).every((alg) => (allowedAlgorithms as readonly string[]).includes(alg)), {
      error: `AUTH_ALGORITHMS must be a comma-separated list of ${allowedAlgorithms.join(", ")}; none and HMAC algorithms are never accepted.`,
    }),
  AUTH_ACCEPT_UNTYPED_TOKENS: flag("AUTH_ACCEPT_UNTYPED_TOKENS"),
  AUTH_CLOCK_TOLERANCE_SECONDS: integer("AUTH_CLOCK_TOLERANCE_SECONDS", 0, 300, 5),
  AUTH_MAX_TOKEN_AGE_SECONDS: integer("AUTH_MAX_TOKEN_AGE_SECONDS", 0, 86_400, 0),
  AUTH_REALM: z
    .string()
    .optional()
    .default("authbridge")
    .refine((value) => /^[\x20-\x7e]{1,64}$/.test(value) && !/["\\]/.test(value), {
      error: "AUTH_REALM must be 1 to 64 printable ASCII characters without quotes or backslashes.",
    }),
  AUTH_JWKS_COOLDOWN_SECONDS: integer("AUTH_JWKS_COOLDOWN_SECONDS", 1, 3_600, 30),
  AUTH_JWKS_TIMEOUT_MS: integer("AUTH_JWKS_TIMEOUT_MS", 100, 60_000, 5_000),
  AUTH_JWKS_STALE_IF_ERROR_SECONDS: integer("AUTH_JWKS_STALE_IF_ERROR_SECONDS", 0, 7 * 86_400, 3_600),
  AUTH_JWKS_MAX_AGE_CAP_SECONDS: integer("AUTH_JWKS_MAX_AGE_CAP_SECONDS", 30, 86_400, 3_600),
  AUTH_TOKEN_CACHE_SIZE: integer("AUTH_TOKEN_CACHE_SIZE", 0, 1_000_000, 10_000),
  AUTH_REVOCATION_REDIS_URL: optionalRedisUrl("AUTH_REVOCATION_REDIS_URL"),
  AUTH_REVOCATION_KEY_PREFIX: redisKeyPrefix("AUTH_REVOCATION_KEY_PREFIX"),
  AUTH_REVOCATION_MAX_ENTRIES: integer("AUTH_REVOCATION_MAX_ENTRIES", 1_000, 10_000_000, 100_000),
});

/** Reads and validates the configuration; throws a ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ResourceServiceConfig {
  const e = parseEnv("resource-service", schema, env);
  const algorithms = list(e.AUTH_ALGORITHMS);
  return {
    ...serviceSettings(e),
    databaseUrl: e.DATABASE_URL,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: list(e.AUTH_AUDIENCE),
      jwksUri: e.AUTH_JWKS_URL,
      algorithms: algorithms.length > 0 ? algorithms : ["EdDSA"],
      acceptUntypedTokens: e.AUTH_ACCEPT_UNTYPED_TOKENS,
      clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
      maxTokenAgeSeconds: e.AUTH_MAX_TOKEN_AGE_SECONDS > 0 ? e.AUTH_MAX_TOKEN_AGE_SECONDS : undefined,
      realm: e.AUTH_REALM,
      jwks: {
        cooldownMs: e.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
        fetchTimeoutMs: e.AUTH_JWKS_TIMEOUT_MS,
        staleIfErrorMs: e.AUTH_JWKS_STALE_IF_ERROR_SECONDS * 1000,
        maxMaxAgeMs: e.AUTH_JWKS_MAX_AGE_CAP_SECONDS * 1000,
      },
      cacheSize: e.AUTH_TOKEN_CACHE_SIZE,
      revocations: e.AUTH_REVOCATION_REDIS_URL
        ? { url: e.AUTH_REVOCATION_REDIS_URL, keyPrefix: e.AUTH_REVOCATION_KEY_PREFIX, maxEntries: e.AUTH_REVOCATION_MAX_ENTRIES }
        : undefined,
    },
  };
}
