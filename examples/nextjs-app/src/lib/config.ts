// The app's configuration, read from the environment when the server starts
// (instrumentation.ts) and on each request, never at build time: one image
// runs against any stack. Every problem is one full sentence naming the
// variable; nothing falls back silently to a guessed address.

export interface AppConfig {
  /** The auth-service as this server reaches it (AUTH_URL): the browser's /api/auth/* calls are forwarded there. */
  authUrl: string;
  /** The resource-service as this server reaches it (API_URL): for server components' calls. */
  apiUrl: string;
  /** The resource-service as browsers reach it (PUBLIC_API_URL, default API_URL): for client components' calls. */
  publicApiUrl: string;
  /** Browsers renew their token this many seconds before it expires (TOKEN_RENEW_BEFORE_SECONDS, default 30). */
  renewBeforeSeconds: number;
}

/** What client components learn of the configuration: nothing secret, nothing server-only. */
export interface BrowserConfig {
  apiUrl: string;
  renewBeforeSeconds: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Collects one sentence per problem; each reader returns a placeholder after a problem. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  origin(name: string): string {
    const value = this.env[name] || undefined;
    if (value === undefined) return this.problem(`${name} is required: the service's URL, for example http://localhost:${name === "AUTH_URL" ? 4000 : 4001}.`, "");
    if (!URL.canParse(value) || !["http:", "https:"].includes(new URL(value).protocol)) return this.problem(`${name} must be an http:// or https:// URL, not ${JSON.stringify(value)}.`, "");
    const url = new URL(value);
    if (!["", "/"].includes(url.pathname)) return this.problem(`${name} must be an origin (scheme, host and port) without a path, not ${JSON.stringify(value)}.`, "");
    return url.origin;
  }

  seconds(name: string, min: number, max: number, fallback: number): number {
    const value = this.env[name];
    if (value === undefined || value === "") return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) return this.problem(`${name} must be a whole number of seconds from ${min} to ${max}, not ${JSON.stringify(value)}.`, fallback);
    return parsed;
  }

  private problem<T>(sentence: string, placeholder: T): T {
    this.problems.push(sentence);
    return placeholder;
  }
}

/** Reads and validates the configuration; throws a ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new Reader(env);
  const apiUrl = read.origin("API_URL");
  const config: AppConfig = {
    authUrl: read.origin("AUTH_URL"),
    apiUrl,
    publicApiUrl: env.PUBLIC_API_URL ? read.origin("PUBLIC_API_URL") : apiUrl,
    renewBeforeSeconds: read.seconds("TOKEN_RENEW_BEFORE_SECONDS", 1, 3_600, 30),
  };
  if (read.problems.length > 0) throw new ConfigError(`The Next.js app's configuration is invalid:\n${read.problems.map((problem) => `- ${problem}`).join("\n")}`);
  return config;
}

export const browserConfig = (config: AppConfig): BrowserConfig => ({ apiUrl: config.publicApiUrl, renewBeforeSeconds: config.renewBeforeSeconds });
