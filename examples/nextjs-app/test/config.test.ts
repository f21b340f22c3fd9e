// The app's configuration: every problem in one sentence naming the variable.
// (That `next start` refuses to run without it is tested in browser.test.ts, after the build.)
import { describe, expect, it } from "@jest/globals";
import { ConfigError, loadConfig } from "../src/lib/config.js";

describe("loadConfig", () => {
  it("takes the services' origins, the browser's API URL defaulting to the server's, and the renewal margin", () => {
    expect(loadConfig({ AUTH_URL: "http://auth-service:4000/", API_URL: "http://resource-service:4001" })).toEqual({
      authUrl: "http://auth-service:4000",
      apiUrl: "http://resource-service:4001",
      publicApiUrl: "http://resource-service:4001",
      renewBeforeSeconds: 30,
    });
    expect(loadConfig({ AUTH_URL: "https://auth.example.com", API_URL: "http://api:4001", PUBLIC_API_URL: "https://api.example.com", TOKEN_RENEW_BEFORE_SECONDS: "55" })).toMatchObject({
      publicApiUrl: "https://api.example.com",
      renewBeforeSeconds: 55,
    });
  });

  it("lists every problem in a full sentence naming the variable", () => {
    const problems = () => loadConfig({ API_URL: "ftp://api", PUBLIC_API_URL: "http://api.example.com/v1", TOKEN_RENEW_BEFORE_SECONDS: "0" });
    expect(problems).toThrow(ConfigError);
    expect(problems).toThrow(
      [
        "The Next.js app's configuration is invalid:",
        "- API_URL must be an http:// or https:// URL, not \"ftp://api\".",
        "- AUTH_URL is required: the service's URL, for example http://localhost:4000.",
        "- PUBLIC_API_URL must be an origin (scheme, host and port) without a path, not \"http://api.example.com/v1\".",
        "- TOKEN_RENEW_BEFORE_SECONDS must be a whole number of seconds from 1 to 3600, not \"0\".",
      ].join("\n"),
    );
  });
});
