import { configErrorMessage } from "@authbridge/devstack/testing";
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ConfigError, loadConfig } from "../src/config.js";

const valid = {
  DATABASE_URL: "postgres://postgres@127.0.0.1:5432/authbridge_resource",
  AUTH_ISSUER: "https://auth.example.com",
  AUTH_AUDIENCE: "https://api.example.com",
};

const problems = (env: Record<string, string | undefined>) => configErrorMessage(() => loadConfig(env), ConfigError);

describe("configuration", () => {
  it("has safe defaults: EdDSA only, 5 s clock tolerance, 30 s cooldown, 1 h stale-if-error", () => {
    expect(loadConfig(valid)).toEqual(
      expect.objectContaining({
        port: 4001,
        auth: expect.objectContaining({
          issuer: "https://auth.example.com",
          audience: ["https://api.example.com"],
          algorithms: ["EdDSA"],
          clockToleranceSeconds: 5,
          maxTokenAgeSeconds: undefined,
          realm: "authbridge",
          jwks: { cooldownMs: 30_000, fetchTimeoutMs: 5_000, staleIfErrorMs: 3_600_000, maxMaxAgeMs: 3_600_000 },
        }),
      }),
    );
  });

  it.each([
    [{ AUTH_ISSUER: undefined }, "AUTH_ISSUER is required."],
    [{ AUTH_ISSUER: "auth.example.com" }, "AUTH_ISSUER must be an absolute http:// or https:// URL."],
    [{ AUTH_AUDIENCE: undefined }, "AUTH_AUDIENCE is required"],
    [{ AUTH_ALGORITHMS: "HS256" }, "none and HMAC algorithms are never accepted"],
    [{ AUTH_ALGORITHMS: "none" }, "none and HMAC algorithms are never accepted"],
    [{ AUTH_REALM: 'a"b' }, "AUTH_REALM must be 1 to 64 printable ASCII characters"],
    [{ AUTH_CLOCK_TOLERANCE_SECONDS: "3600" }, "AUTH_CLOCK_TOLERANCE_SECONDS must be a whole number from 0 to 300"],
    [{ DATABASE_URL: "mysql://x/y" }, "DATABASE_URL must be a postgres:// or postgresql:// URL."],
  ])("refuses %j with a full sentence", (override, message) => {
    expect(problems({ ...valid, ...override })).toContain(message);
  });

  it("serves no metrics by default, and reads where to serve them", () => {
    expect(loadConfig(valid).metrics).toEqual({ port: undefined, host: "127.0.0.1", token: undefined });
    const token = "a".repeat(32);
    expect(loadConfig({ ...valid, HOST: "0.0.0.0", METRICS_PORT: "9464", METRICS_TOKEN: token }).metrics).toEqual({ port: 9464, host: "0.0.0.0", token });
    expect(loadConfig({ ...valid, METRICS_PORT: "9464", METRICS_HOST: "10.0.0.5" }).metrics.host).toBe("10.0.0.5");
  });

  it.each([
    [{ METRICS_PORT: "70000" }, 'METRICS_PORT must be a port number from 1 to 65535, but it is "70000".'],
    [{ METRICS_PORT: "0" }, 'METRICS_PORT must be a port number from 1 to 65535, but it is "0".'],
    [{ PORT: "9464", METRICS_PORT: "9464" }, "METRICS_PORT must differ from PORT (both are 9464)"],
    [{ METRICS_HOST: "0.0.0.0" }, "METRICS_HOST is set but METRICS_PORT is not"],
    [{ METRICS_TOKEN: "short-secret" }, "METRICS_TOKEN must be 32 to 512 printable characters without spaces; generate one with openssl rand -hex 32."],
  ])("refuses metrics settings %j with a full sentence", (override, message) => {
    const text = problems({ ...valid, ...override });
    expect(text).toContain(message);
    expect(text).not.toContain("short-secret");
  });

  it("gives every request and the database deadlines, 30 s and 3 s / 5 s / 6 s by default, and reads them", () => {
    expect(loadConfig(valid)).toEqual(
      expect.objectContaining({ requestTimeoutMs: 30_000, database: { connectTimeoutMs: 3_000, statementTimeoutMs: 5_000, queryTimeoutMs: 6_000 } }),
    );
    const custom = loadConfig({ ...valid, REQUEST_TIMEOUT_MS: "20000", DATABASE_CONNECT_TIMEOUT_MS: "1000", DATABASE_STATEMENT_TIMEOUT_MS: "8000", DATABASE_QUERY_TIMEOUT_MS: "9000" });
    expect(custom).toEqual(expect.objectContaining({ requestTimeoutMs: 20_000, database: { connectTimeoutMs: 1_000, statementTimeoutMs: 8_000, queryTimeoutMs: 9_000 } }));
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

  it("stops the process with the message and no stack trace", () => {
    // The package's entry point, as the stack starts it (its TypeScript source under the "source" condition).
    const server = fileURLToPath(import.meta.resolve("@authbridge/resource-service/server"));
    const result = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", server], {
      env: { PATH: process.env.PATH, ...valid, AUTH_ALGORITHMS: "HS256" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("The resource-service configuration is invalid:");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
