// Building blocks for validating a service's configuration with zod: every
// problem becomes one full sentence that names the variable, and all of them
// are reported at once.
import proxyAddr from "proxy-addr";
import { z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

export const httpUrl = (name: string) =>
  z
    .string({ error: `${name} is required.` })
    .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
      error: `${name} must be an absolute http:// or https:// URL.`,
    });

export const postgresUrl = (name: string, example: string) =>
  z
    .string({ error: `${name} is required: point it at the service's PostgreSQL database, for example ${example}.` })
    .refine((value) => URL.canParse(value) && /^postgres(ql)?:$/.test(new URL(value).protocol), {
      error: `${name} must be a postgres:// or postgresql:// URL.`,
    });

/** An optional redis:// or rediss:// URL (unset or empty: not used). */
export const optionalRedisUrl = (name: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .refine((value) => value === undefined || (URL.canParse(value) && /^rediss?:$/.test(new URL(value).protocol)), {
      error: `${name} must be a redis:// or rediss:// URL.`,
    });

/** A Redis key prefix: printable, no spaces, at most 64 characters. */
export const redisKeyPrefix = (name: string) =>
  z
    .string()
    .optional()
    .default("authbridge:")
    .refine((value) => /^[\x21-\x7e]{0,64}$/.test(value), { error: `${name} must be at most 64 printable characters without spaces.` });

export const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from ${min} to ${max}, but it is "${value}".` });
        return z.NEVER;
      }
      return parsed;
    });

/** "true" or "false"; unset or empty: false. Anything else is refused rather than guessed. */
export const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "" || value === "false") return false;
      if (value === "true") return true;
      ctx.addIssue({ code: "custom", message: `${name} must be "true" or "false", but it is "${value}".` });
      return z.NEVER;
    });

export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    error: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace or silent.",
  })
  .optional()
  .default("info");

export const origins = (name: string) =>
  z
    .string()
    .optional()
    .refine((value) => list(value).every((origin) => URL.canParse(origin) && new URL(origin).origin === origin), {
      error: `${name} must be a comma-separated list of origins like https://app.example.com (scheme, host and port only, no path, no wildcard).`,
    });

/** Express `trust proxy` from TRUST_PROXY: off, a hop count, or proxy addresses; never `true`. */
export function parseTrustProxy(raw: string | undefined): boolean | number | string[] {
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") {
    throw new ConfigError(
      'TRUST_PROXY=true would trust any X-Forwarded-For header, letting clients pick their own address; give a hop count (for example 1) or the proxies\' addresses (for example "loopback" or "10.0.0.0/8").',
    );
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  const proxies = list(raw);
  try {
    proxyAddr.compile(proxies);
  } catch {
    throw new ConfigError(
      `TRUST_PROXY must be a hop count or a comma-separated list of addresses, subnets or names (loopback, linklocal, uniquelocal), but it is "${raw}".`,
    );
  }
  return proxies;
}

/** Parses `env` with `schema`, or throws a ConfigError listing every problem. */
export function parseEnv<Schema extends z.ZodType>(service: string, schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const seen = new Set<string>();
  const messages = result.error.issues.map((issue) => issue.message).filter((message) => !seen.has(message) && seen.add(message));
  throw new ConfigError(`The ${service} configuration is invalid:\n- ${messages.join("\n- ")}`);
}
