// resource-service -> auth-service: the access token's claim set (as an
// asynchronous message, consumed by the verifier's claimsToPrincipal; its
// protected header's alg, kid and typ as metadata), the
// JWKS and the discovery document (consumed by the verifier's key set).
import { ACCESS_TOKEN_TYPE, claimsToPrincipal, createKeySet, discoverJwksUri } from "@authbridge/verifier";
import { describe, expect, it } from "@jest/globals";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { JSON_TYPE, PACT_DIR } from "./shared.js";

const { like, regex, equal, string, integer, boolean, eachLike } = MatchersV3;

const pact = new PactV4({ consumer: "resource-service", provider: "auth-service", dir: PACT_DIR, logLevel: "warn" });

const ISSUER = "https://auth.example.com";
const EXAMPLE_KID = "qGqzB7Y9u3dWQ1sxq0mJcVn8p2LhT5aZ";
const EXAMPLE_X = "YhcBqgbAztFyniNHY4ODJtzkB9hhoRp03PT9AjhDPng";

/** The key set's fetch, pointed at the mock server instead of the example issuer's host. */
const viaMock = (url: string): typeof fetch => (input, init) => fetch(String(input).replace(ISSUER, url), init);

describe("resource-service -> auth-service", () => {
  it("receives an access token with the documented claims, signed with EdDSA and a kid, typed at+jwt", () =>
    pact
      .addAsynchronousInteraction()
      .given("a signed-in user")
      .expectsToReceive("an access token's claims", (builder) => {
        builder
          .withJSONContent({
            sub: string("sKq3pEt0YbQ2x9LmZ7wVf1Nc8Hd4Gj6R"),
            email: regex(/^[^@\s]+@[^@\s]+$/, "ada@example.com"),
            email_verified: boolean(false),
            name: string("Ada Lovelace"),
            sid: string("Z3mN8qR1tV6yB0cX4wL7pK2jH9fD5sA1"),
            // One role of the fixed set; requireRole reads it through the principal.
            role: regex(/^(user|moderator|admin)$/, "user"),
            iat: integer(1795764624),
            exp: integer(1795765524),
            iss: regex(/^https?:\/\/[^/]+$/, ISSUER),
            aud: like("https://api.example.com"),
          })
          .withMetadata({ alg: equal("EdDSA"), kid: regex(/^[A-Za-z0-9_-]+$/, EXAMPLE_KID), typ: equal("at+jwt") });
      })
      .executeTest(async (message) => {
        // The verifier refuses any other typ by default (RFC 9068).
        expect(message.metadata.typ).toBe(ACCESS_TOKEN_TYPE);
        const { content } = message.contents;
        const claims = (Buffer.isBuffer(content) ? JSON.parse(content.toString("utf8")) : content) as Record<string, unknown>;
        const principal = claimsToPrincipal(claims);
        expect(principal).toEqual(expect.objectContaining({ sub: "sKq3pEt0YbQ2x9LmZ7wVf1Nc8Hd4Gj6R", email: "ada@example.com", name: "Ada Lovelace" }));
        expect(principal.sid).toBe("Z3mN8qR1tV6yB0cX4wL7pK2jH9fD5sA1");
        expect(principal.role).toBe("user");
      }));

  it("receives email_verified: true once the user has verified the address", () =>
    pact
      .addAsynchronousInteraction()
      .given("a signed-in user who verified their email address")
      .expectsToReceive("the claims of an access token of a verified address", (builder) => {
        builder
          .withJSONContent({
            sub: string("sKq3pEt0YbQ2x9LmZ7wVf1Nc8Hd4Gj6R"),
            email: regex(/^[^@\s]+@[^@\s]+$/, "ada@example.com"),
            email_verified: equal(true),
            name: string("Ada Lovelace"),
            sid: string("Z3mN8qR1tV6yB0cX4wL7pK2jH9fD5sA1"),
          })
          .withMetadata({ typ: equal("at+jwt") });
      })
      .executeTest(async (message) => {
        const { content } = message.contents;
        const claims = (Buffer.isBuffer(content) ? JSON.parse(content.toString("utf8")) : content) as Record<string, unknown>;
        // What REQUIRE_VERIFIED_EMAIL_FOR_WRITES reads.
        expect(claimsToPrincipal(claims).emailVerified).toBe(true);
      }));

  it("finds the JWKS through the discovery document", () =>
    pact
      .addInteraction()
      .uponReceiving("a request for the discovery document")
      .withRequest("GET", "/.well-known/openid-configuration")
      .willRespondWith(200, (response) =>
        response.headers({ "Content-Type": JSON_TYPE }).jsonBody({
          issuer: regex(/^https?:\/\/[^/]+$/, ISSUER),
          jwks_uri: regex(/^https?:\/\/[^/]+\/api\/auth\/jwks$/, `${ISSUER}/api/auth/jwks`),
          id_token_signing_alg_values_supported: eachLike(equal("EdDSA")),
        }),
      )
      .executeTest(async (server) => {
        expect(await discoverJwksUri({ issuer: ISSUER, fetch: viaMock(server.url) })).toBe(`${ISSUER}/api/auth/jwks`);
      }));

  it("reads the public keys from a cacheable JWKS", () =>
    pact
      .addInteraction()
      .uponReceiving("a request for the JWKS")
      .withRequest("GET", "/api/auth/jwks")
      .willRespondWith(200, (response) =>
        response
          .headers({ "Content-Type": regex(/^application\/(jwk-set\+)?json(;.*)?$/, "application/jwk-set+json; charset=utf-8"), "Cache-Control": regex(/^(public|max-age=\d+)$/, "public, max-age=300") })
          .jsonBody({
            keys: eachLike({
              kty: equal("OKP"),
              crv: equal("Ed25519"),
              x: regex(/^[A-Za-z0-9_-]{43}$/, EXAMPLE_X),
              kid: regex(/^[A-Za-z0-9_-]+$/, EXAMPLE_KID),
              alg: equal("EdDSA"),
              use: equal("sig"),
            }),
          }),
      )
      .executeTest(async (server) => {
        // Pact matches each comma-separated Cache-Control value on its own; the
        // auth-service's tests pin the exact header.
        const keySet = createKeySet({ issuer: ISSUER, jwksUri: `${ISSUER}/api/auth/jwks`, algorithms: ["EdDSA"], fetch: viaMock(server.url) });
        await expect(keySet.getKey(EXAMPLE_KID, "EdDSA")).resolves.toBeDefined();
        expect(keySet.stats().kids).toEqual([EXAMPLE_KID]);
      }));
});
