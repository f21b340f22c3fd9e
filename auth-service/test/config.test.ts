import { configErrorMessage } from "@authbridge/devstack/testing";
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../src/config.js";

const valid = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/authbridge_auth",
  BETTER_AUTH_SECRET: "0123456789abcdef0123456789abcdef",
  BETTER_AUTH_URL: "https://auth.example.com",
  JWT_AUDIENCE: "https://api.example.com",
};

const problems = (env: Record<string, string | undefined>) => configErrorMessage(() => loadConfig(env), ConfigError);

describe("configuration", () => {
  it("accepts a valid configuration and fills safe defaults", () => {
    const config = loadConfig(valid);
    expect(config).toEqual(
      expect.objectContaining({
        host: "127.0.0.1",
        port: 4000,
        baseUrl: "https://auth.example.com",
        jwt: {
          issuer: "https://auth.example.com",
          audience: ["https://api.example.com"],
          expiresInSeconds: 900,
          algorithm: "EdDSA",
          rotation: { publishAheadMs: 900_000, rotationIntervalMs: 30 * 86_400_000, retireAfterMs: (900 + 90) * 1000 },
        },
        corsOrigins: [],
        trustProxy: false,
        jwksMaxAgeSeconds: 300,
      }),
    );
  });

  it.each([
    [{ BETTER_AUTH_SECRET: "too-short" }, "BETTER_AUTH_SECRET must be at least 32 characters long"],
    [{ BETTER_AUTH_SECRET: undefined }, "BETTER_AUTH_SECRET is required"],
    [{ DATABASE_URL: "mysql://db/auth" }, "DATABASE_URL must be a postgres:// or postgresql:// URL."],
    [{ DATABASE_URL: undefined }, "DATABASE_URL is required"],
    [{ BETTER_AUTH_URL: "not a url" }, "BETTER_AUTH_URL must be an absolute http:// or https:// URL."],
    [{ BETTER_AUTH_URL: "https://example.com/auth" }, "BETTER_AUTH_URL must be an origin (scheme, host and port) without a path"],
    [{ BETTER_AUTH_URL: "http://auth.example.com", NODE_ENV: "production" }, "BETTER_AUTH_URL must be an https:// URL in production"],
    [{ TRUST_PROXY: "10.0.0.0/33" }, "TRUST_PROXY must be a hop count or a comma-separated list"],
    [{ TRUST_PROXY: "yes" }, "TRUST_PROXY must be a hop count or a comma-separated list"],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, "REDIS_URL must be a redis:// or rediss:// URL."],
    [{ REDIS_COMMAND_TIMEOUT_MS: "60000" }, 'REDIS_COMMAND_TIMEOUT_MS must be a whole number from 10 to 5000, but it is "60000".'],
    [{ JWT_KEY_PUBLISH_AHEAD_SECONDS: "120" }, "JWT_KEY_PUBLISH_AHEAD_SECONDS (120) must be at least the verifiers' JWKS cache lifetime (JWKS_MAX_AGE_SECONDS, at least 30) + 60 (360)"],
    [{ JWKS_MAX_AGE_SECONDS: "0", JWT_KEY_PUBLISH_AHEAD_SECONDS: "60" }, "JWT_KEY_PUBLISH_AHEAD_SECONDS (60) must be at least the verifiers' JWKS cache lifetime (JWKS_MAX_AGE_SECONDS, at least 30) + 60 (90)"],
    [{ JWT_AUDIENCE: undefined }, "JWT_AUDIENCE is required"],
    [{ JWT_EXPIRES_IN_SECONDS: "10" }, 'JWT_EXPIRES_IN_SECONDS must be a whole number from 60 to 86400, but it is "10".'],
    [{ JWT_ALGORITHM: "HS256" }, "JWT_ALGORITHM must be one of EdDSA, ES256, ES512, RS256, PS256."],
    [{ PORT: "http" }, 'PORT must be a whole number from 0 to 65535, but it is "http".'],
    [{ CORS_ORIGINS: "*" }, "CORS_ORIGINS must be a comma-separated list of origins"],
    [{ CORS_ORIGINS: "https://app.example.com/path" }, "CORS_ORIGINS must be a comma-separated list of origins"],
    [{ TRUST_PROXY: "true" }, "TRUST_PROXY=true would trust any X-Forwarded-For header"],
    [{ METRICS_TOKEN: "too-short" }, "METRICS_TOKEN must be 32 to 512 printable characters without spaces"],
    [{ METRICS_HOST: "0.0.0.0" }, "METRICS_HOST is set but METRICS_PORT is not"],
  ])("refuses %j with a full sentence", (override, message) => {
    expect(problems({ ...valid, ...override })).toContain(message);
  });

  it("accepts http://localhost in production (the local stack and compose)", () => {
    expect(loadConfig({ ...valid, BETTER_AUTH_URL: "http://localhost:4000", NODE_ENV: "production" }).baseUrl).toBe("http://localhost:4000");
  });

  it("lists every problem at once", () => {
    const message = problems({ ...valid, BETTER_AUTH_SECRET: "short", BETTER_AUTH_URL: "nope" });
    expect(message).toContain("BETTER_AUTH_SECRET must be at least 32 characters long");
    expect(message).toContain("BETTER_AUTH_URL must be an absolute http:// or https:// URL.");
  });

  it("gives every request and the database deadlines, 30 s and 3 s / 5 s / 6 s by default, and reads them", () => {
    expect(loadConfig(valid)).toEqual(
      expect.objectContaining({ requestTimeoutMs: 30_000, database: { connectTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 } }),
    );
    const custom = loadConfig({ ...valid, REQUEST_TIMEOUT_MS: "20000", DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_STATEMENT_TIMEOUT_MS: "8000", DATABASE_QUERY_TIMEOUT_MS: "9000" });
    expect(custom).toEqual(expect.objectContaining({ requestTimeoutMs: 20_000, database: { connectTimeoutMs: 1_000, statementTimeoutMs: 8_000, queryTimeoutMs: 9_000 } }));
  });

  it("gives Redis commands a 1 s deadline by default, and reads it", () => {
    expect(loadConfig({ ...valid, REDIS_URL: "redis://cache.internal:6379" }).redis).toEqual({ url: "redis://cache.internal:6379", keyPrefix: "authbridge:", commandTimeoutMs: 1_000 });
    expect(loadConfig({ ...valid, REDIS_URL: "redis://cache.internal:6379", REDIS_COMMAND_TIMEOUT_MS: "250" }).redis?.commandTimeoutMs).toBe(250);
  });

  it.each([
    [{ REQUEST_TIMEOUT_MS: "500" }, 'REQUEST_TIMEOUT_MS must be a whole number from 1000 to 300000, but it is "500".'],
    [{ DATABASE_QUERY_TIMEOUT_MS: "soon" }, 'DATABASE_QUERY_TIMEOUT_MS must be a whole number from 100 to 300000, but it is "soon".'],
    [
      { DATABASE_STATEMENT_TIMEOUT_MS: "6000" },
      "DATABASE_QUERY_TIMEOUT_MS (6000) must be greater than DATABASE_STATEMENT_TIMEOUT_MS (6000): a server that answers should cancel a slow statement itself",
    ],
    [
      { REQUEST_TIMEOUT_MS: "9000" },
      "REQUEST_TIMEOUT_MS (9000) must be greater than DATABASE_CONNECT_TIMEOUT_MS + DATABASE_QUERY_TIMEOUT_MS (9000): a request must have time to wait for a connection and a query",
    ],
  ])("refuses deadlines %j with a full sentence", (override, message) => {
    expect(problems({ ...valid, ...override })).toContain(message);
  });

  it("sends no mail without an SMTP server, and reads SMTP_URL with its deadlines and TLS", () => {
    expect(loadConfig(valid).mail).toEqual(expect.objectContaining({ smtp: undefined, requireEmailVerification: false }));
    const mail = loadConfig({ ...valid, SMTP_URL: "smtps://mailer:p%40ss@smtp.example.com", MAIL_FROM: "authbridge <no-reply@example.com>", SMTP_SOCKET_TIMEOUT_MS: "5000" }).mail;
    expect(mail).toEqual(
      expect.objectContaining({
        smtp: { host: "smtp.example.com", port: 465, secure: true, requireTls: false, auth: { user: "mailer", pass: "p@ss" }, connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 5_000 },
        from: "authbridge <no-reply@example.com>",
        maxAttempts: 12,
        verificationExpiresInSeconds: 86_400,
        resetPasswordExpiresInSeconds: 3_600,
        rateLimit: { windowSeconds: 900, perAddress: 3, perClient: 10 },
      }),
    );
    expect(loadConfig({ ...valid, SMTP_HOST: "mail", SMTP_PORT: "1025", MAIL_FROM: "a@example.com" }).mail.smtp).toEqual(
      expect.objectContaining({ host: "mail", port: 1025, secure: false, auth: undefined }),
    );
  });

  it.each([
    [{ SMTP_URL: "http://smtp.example.com" }, "SMTP_URL must be an smtp:// or smtps:// URL"],
    [{ SMTP_URL: "smtp://smtp.example.com" }, "MAIL_FROM is required with an SMTP server"],
    [{ SMTP_URL: "smtp://a", SMTP_HOST: "b", MAIL_FROM: "a@example.com" }, "SMTP_URL and SMTP_HOST are both set"],
    [{ SMTP_HOST: "smtp.example.com", SMTP_USER: "me", MAIL_FROM: "a@example.com" }, "SMTP_USER and SMTP_PASSWORD must be set together"],
    [{ SMTP_HOST: "smtp.example.com", MAIL_FROM: "not an address" }, "MAIL_FROM must be an address"],
    [{ REQUIRE_EMAIL_VERIFICATION: "true" }, "REQUIRE_EMAIL_VERIFICATION=true needs an SMTP server"],
    [{ REQUIRE_EMAIL_VERIFICATION: "yes" }, 'REQUIRE_EMAIL_VERIFICATION must be "true" or "false"'],
    [{ SMTP_URL: "smtp://smtp.example.com", MAIL_FROM: "a@example.com", SMTP_GREETING_TIMEOUT_MS: "0" }, "SMTP_GREETING_TIMEOUT_MS must be a whole number from 100 to 120000"],
    [{ SMTP_URL: "smtps://smtp.example.com", MAIL_FROM: "a@example.com", SMTP_REQUIRE_TLS: "true" }, "SMTP_REQUIRE_TLS asks for STARTTLS"],
    [{ NODE_ENV: "production", SMTP_URL: "smtp://u:p@smtp.example.com", MAIL_FROM: "a@example.com" }, "In production, an SMTP server with a password needs TLS"],
    [{ SMTP_URL: "smtp://smtp.example.com", MAIL_FROM: "a@example.com", MAIL_RETRY_BASE_DELAY_MS: "5000", MAIL_RETRY_MAX_DELAY_MS: "1000" }, "MAIL_RETRY_MAX_DELAY_MS must be at least"],
  ])("refuses mail settings %p", (env, message) => {
    expect(problems({ ...valid, ...env })).toContain(message);
  });

  it("stops the process with the message and no stack trace", () => {
    // The package's entry point, as the stack starts it (its TypeScript source under the "source" condition).
    const server = fileURLToPath(import.meta.resolve("@authbridge/auth-service/server"));
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...valid, BETTER_AUTH_SECRET: "short" };
    const result = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", server], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("The auth-service configuration is invalid:");
    expect(result.stderr).toContain("BETTER_AUTH_SECRET must be at least 32 characters long");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
