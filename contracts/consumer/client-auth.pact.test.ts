// client -> auth-service: the token endpoint, with a session and without.
import { AuthenticationError, TokenSource } from "@authbridge/client";
import { describe, expect, it } from "@jest/globals";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { EXAMPLE_TOKEN, JSON_TYPE, PACT_DIR, problem, PROBLEM_JSON } from "./shared.js";

const { regex } = MatchersV3;
const pact = new PactV4({ consumer: "authbridge-client", provider: "auth-service", dir: PACT_DIR, logLevel: "warn" });

const EXAMPLE_COOKIE = "better-auth.session_token=example-session-token.c2lnbmF0dXJl";

/** The session cookie, from the provider state's `sessionCookie`. */
const sessionCookie = {
  ...regex(/better-auth\.session_token=[^;]+/, EXAMPLE_COOKIE),
  "pact:generator:type": "ProviderState",
  expression: "${sessionCookie}",
};

describe("authbridge-client -> auth-service", () => {
  it("exchanges a session for a token", () =>
    pact
      .addInteraction()
      .given("a signed-in user")
      .uponReceiving("a token request with a session cookie")
      .withRequest("GET", "/api/auth/token", (request) => request.headers({ cookie: sessionCookie }))
      .willRespondWith(200, (response) =>
        response.headers({ "Content-Type": JSON_TYPE }).jsonBody({ token: regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, EXAMPLE_TOKEN) }),
      )
      .executeTest(async (server) => {
        const tokens = new TokenSource({ authUrl: server.url, fetch, authHeaders: () => ({ cookie: EXAMPLE_COOKIE }) });
        expect(await tokens.get()).toBe(EXAMPLE_TOKEN);
      }));

  it("refuses a token request without a session", () =>
    pact
      .addInteraction()
      .uponReceiving("a token request without a session")
      .withRequest("GET", "/api/auth/token")
      .willRespondWith(401, (response) => response.headers({ "Content-Type": PROBLEM_JSON }).jsonBody(problem(401, "UNAUTHORIZED")))
      .executeTest(async (server) => {
        const tokens = new TokenSource({ authUrl: server.url, fetch });
        await expect(tokens.get()).rejects.toBeInstanceOf(AuthenticationError);
      }));
});
