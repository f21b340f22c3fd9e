// client -> resource-service: what the typed client sends and relies on, for
// users and posts, and every error format it turns into a typed error.
import { describe, expect, it } from "@jest/globals";
import { MatchersV3, PactV4 } from "@pact-foundation/pact";
import { ApiClient, AuthenticationError, AuthorizationError, EmailNotVerifiedError, errorFromResponse, NotFoundError, ValidationError, type ApiError } from "@authbridge/client";
import { bearer, EXAMPLE_TOKEN, JSON_TYPE, PACT_DIR, problem, PROBLEM_JSON, TIMESTAMP, UUID_EXAMPLE } from "./shared.js";

const { like, eachLike, uuid, regex, equal, string } = MatchersV3;

const pact = new PactV4({ consumer: "authbridge-client", provider: "resource-service", dir: PACT_DIR, logLevel: "warn" });

/** A client against the mock server, holding the example token (as if it came from the auth-service). */
function clientFor(url: string): ApiClient {
  const client = new ApiClient({ apiUrl: url, authUrl: "http://127.0.0.1:9", renewBeforeSeconds: 0 });
  client.tokens.offer(EXAMPLE_TOKEN);
  return client;
}

/**
 * The 401 cases are sent with fetch (the client would renew its token at the
 * auth-service, another provider) and read by the client's own error parsing.
 */
async function authenticationFailure(url: string, token?: string): Promise<AuthenticationError> {
  const response = await fetch(`${url}/api/v1/users/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const error = await errorFromResponse(response);
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

const post = {
  id: uuid(UUID_EXAMPLE),
  authorId: string("user-alice"),
  title: string("Hello"),
  body: string("World"),
  visibility: regex(/^(public|private)$/, "public"),
  createdAt: TIMESTAMP,
  updatedAt: TIMESTAMP,
  hiddenAt: like(null),
  hiddenReason: like(null),
};

const WWW_INSUFFICIENT_SCOPE = regex(
  /^Bearer realm="[^"]+", error="insufficient_scope", error_description="[^"]+"$/,
  `Bearer realm="authbridge", error="insufficient_scope", error_description="This request needs the role 'moderator' or 'admin'."`,
);

const moderationRecord = {
  id: uuid(UUID_EXAMPLE),
  action: equal("hide"),
  postId: uuid(UUID_EXAMPLE),
  postAuthorId: string("user-alice"),
  moderatorId: string("user-mod"),
  moderatorRole: regex(/^(moderator|admin)$/, "moderator"),
  reason: equal("Advertising"),
  createdAt: TIMESTAMP,
};

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: ApiError) => error,
  );
}

const WWW_INVALID_TOKEN = regex(/^Bearer realm="[^"]+", error="invalid_token", error_description="[^"]+"$/, 'Bearer realm="authbridge", error="invalid_token", error_description="The token has expired."');

describe("authbridge-client -> resource-service", () => {
  it("reads the caller's profile", () =>
    pact
      .addInteraction()
      .given("a signed-in user alice")
      .uponReceiving("a request for my profile")
      .withRequest("GET", "/api/v1/users/me", (request) => request.headers({ authorization: bearer() }))
      .willRespondWith(200, (response) =>
        response.headers({ "Content-Type": JSON_TYPE }).jsonBody({
          id: string("user-alice"),
          email: string("alice@example.com"),
          name: string("Alice"),
          handle: like(null),
          displayName: like(null),
          bio: like(null),
          createdAt: TIMESTAMP,
          updatedAt: TIMESTAMP,
        }),
      )
      .executeTest(async (server) => {
        expect((await clientFor(server.url).users.me()).name).toBe("Alice");
      }));

  it("creates a post", () =>
    pact
      .addInteraction()
      .given("a signed-in user alice")
      .uponReceiving("a request to create a public post")
      .withRequest("POST", "/api/v1/posts", (request) =>
        request.headers({ authorization: bearer(), "Content-Type": "application/json" }).jsonBody({ title: "Hello", body: "World", visibility: "public" }),
      )
      .willRespondWith(201, (response) => response.headers({ "Content-Type": JSON_TYPE }).jsonBody(post))
      .executeTest(async (server) => {
        const created = await clientFor(server.url).posts.create({ title: "Hello", body: "World", visibility: "public" });
        expect(created.id).toBe(UUID_EXAMPLE);
      }));

  it("lists public posts anonymously", () =>
    pact
      .addInteraction()
      .given("alice has a public post")
      .uponReceiving("an anonymous request for the list of posts")
      .withRequest("GET", "/api/v1/posts", (request) => request.query({ limit: "10" }))
      .willRespondWith(200, (response) =>
        response.headers({ "Content-Type": JSON_TYPE }).jsonBody({ items: eachLike(post), nextCursor: like(null) }),
      )
      .executeTest(async (server) => {
        const anonymous = new ApiClient({ apiUrl: server.url, authUrl: "http://127.0.0.1:9", session: false });
        const page = await anonymous.posts.list({ limit: 10 });
        expect(page.items.length).toBeGreaterThan(0);
      }));

  it("401 without a token", () =>
    pact
      .addInteraction()
      .uponReceiving("a request for my profile without a token")
      .withRequest("GET", "/api/v1/users/me")
      .willRespondWith(401, (response) =>
        response
          .headers({ "Content-Type": PROBLEM_JSON, "www-authenticate": regex(/^Bearer realm="[^"]+"$/, 'Bearer realm="authbridge"') })
          .jsonBody(problem(401, "token_missing")),
      )
      .executeTest(async (server) => {
        expect((await authenticationFailure(server.url)).code).toBe("token_missing");
      }));

  it("401 with an expired token, with the invalid_token challenge", () =>
    pact
      .addInteraction()
      .given("an expired token")
      .uponReceiving("a request for my profile with an expired token")
      .withRequest("GET", "/api/v1/users/me", (request) => request.headers({ authorization: bearer("expiredToken") }))
      .willRespondWith(401, (response) =>
        response.headers({ "Content-Type": PROBLEM_JSON, "www-authenticate": WWW_INVALID_TOKEN }).jsonBody(problem(401, "token_expired")),
      )
      .executeTest(async (server) => {
        expect((await authenticationFailure(server.url, EXAMPLE_TOKEN)).code).toBe("token_expired");
      }));

  it("401 with an invalid token, with the invalid_token challenge", () =>
    pact
      .addInteraction()
      .given("a token with a bad signature")
      .uponReceiving("a request for my profile with an invalid token")
      .withRequest("GET", "/api/v1/users/me", (request) => request.headers({ authorization: bearer("invalidToken") }))
      .willRespondWith(401, (response) =>
        response.headers({ "Content-Type": PROBLEM_JSON, "www-authenticate": WWW_INVALID_TOKEN }).jsonBody(problem(401, "token_invalid")),
      )
      .executeTest(async (server) => {
        expect((await authenticationFailure(server.url, EXAMPLE_TOKEN)).code).toBe("token_invalid");
      }));

  it("403 email_unverified on a write by a caller whose address is not verified", () =>
    pact
      .addInteraction()
      .given("a signed-in user carol whose email address is not verified")
      .uponReceiving("carol's request to create a post")
      .withRequest("POST", "/api/v1/posts", (request) =>
        request.headers({ authorization: bearer(), "Content-Type": "application/json" }).jsonBody({ title: "Hello", body: "World", visibility: "public" }),
      )
      .willRespondWith(403, (response) => response.headers({ "Content-Type": PROBLEM_JSON }).jsonBody(problem(403, "email_unverified")))
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).posts.create({ title: "Hello", body: "World", visibility: "public" }));
        expect(error).toBeInstanceOf(EmailNotVerifiedError);
        expect(error.code).toBe("email_unverified");
      }));

  it("403 not_owner on someone else's public post", () =>
    pact
      .addInteraction()
      .given("alice has a public post and bob is signed in", { postId: UUID_EXAMPLE })
      .uponReceiving("bob's request to change alice's public post")
      .withRequest("PATCH", MatchersV3.fromProviderState("/api/v1/posts/${postId}", `/api/v1/posts/${UUID_EXAMPLE}`), (request) =>
        request.headers({ authorization: bearer(), "Content-Type": "application/json" }).jsonBody({ title: "Mine now" }),
      )
      .willRespondWith(403, (response) => response.headers({ "Content-Type": PROBLEM_JSON }).jsonBody(problem(403, "not_owner")))
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).posts.update(UUID_EXAMPLE, { title: "Mine now" }));
        expect(error).toBeInstanceOf(AuthorizationError);
        expect(error.code).toBe("not_owner");
      }));

  it("a moderator hides someone else's post and gets the record", () =>
    pact
      .addInteraction()
      .given("alice has a public post and a moderator is signed in", { postId: UUID_EXAMPLE })
      .uponReceiving("a moderator's request to hide alice's post")
      .withRequest("POST", "/api/v1/moderation/actions", (request) =>
        request
          .headers({ authorization: bearer(), "Content-Type": "application/json" })
          .jsonBody({ action: "hide", postId: MatchersV3.fromProviderState("${postId}", UUID_EXAMPLE), reason: "Advertising" }),
      )
      .willRespondWith(201, (response) => response.headers({ "Content-Type": JSON_TYPE }).jsonBody(moderationRecord))
      .executeTest(async (server) => {
        const record = await clientFor(server.url).moderation.act({ action: "hide", postId: UUID_EXAMPLE, reason: "Advertising" });
        expect(record).toEqual(expect.objectContaining({ action: "hide", postId: UUID_EXAMPLE, reason: "Advertising" }));
      }));

  it("a moderator lists the moderation records of a post", () =>
    pact
      .addInteraction()
      .given("a moderator hid alice's public post", { postId: UUID_EXAMPLE })
      .uponReceiving("a moderator's request for the records of a post")
      .withRequest("GET", "/api/v1/moderation/actions", (request) =>
        request.headers({ authorization: bearer() }).query({ postId: MatchersV3.fromProviderState("${postId}", UUID_EXAMPLE) }),
      )
      .willRespondWith(200, (response) => response.headers({ "Content-Type": JSON_TYPE }).jsonBody({ items: eachLike(moderationRecord), nextCursor: like(null) }))
      .executeTest(async (server) => {
        const page = await clientFor(server.url).moderation.list({ postId: UUID_EXAMPLE });
        expect(page.items[0]?.action).toBe("hide");
      }));

  it("403 insufficient_scope, with its challenge, when a plain user moderates", () =>
    pact
      .addInteraction()
      .given("alice has a public post and bob is signed in", { postId: UUID_EXAMPLE })
      .uponReceiving("bob's request to hide alice's post")
      .withRequest("POST", "/api/v1/moderation/actions", (request) =>
        request
          .headers({ authorization: bearer(), "Content-Type": "application/json" })
          .jsonBody({ action: "hide", postId: MatchersV3.fromProviderState("${postId}", UUID_EXAMPLE), reason: "Advertising" }),
      )
      .willRespondWith(403, (response) =>
        response.headers({ "Content-Type": PROBLEM_JSON, "www-authenticate": WWW_INSUFFICIENT_SCOPE }).jsonBody(problem(403, "insufficient_scope")),
      )
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).moderation.act({ action: "hide", postId: UUID_EXAMPLE, reason: "Advertising" }));
        expect(error).toBeInstanceOf(AuthorizationError);
        expect((error as AuthorizationError).insufficientScope).toBe(true);
      }));

  it("404 for a post that does not exist", () =>
    pact
      .addInteraction()
      .given("a signed-in user alice")
      .uponReceiving("a request for a post that does not exist")
      .withRequest("GET", `/api/v1/posts/${UUID_EXAMPLE}`, (request) => request.headers({ authorization: bearer() }))
      .willRespondWith(404, (response) => response.headers({ "Content-Type": PROBLEM_JSON }).jsonBody(problem(404, "not_found")))
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).posts.get(UUID_EXAMPLE));
        expect(error).toBeInstanceOf(NotFoundError);
      }));

  it("422 with field errors", () =>
    pact
      .addInteraction()
      .given("a signed-in user alice")
      .uponReceiving("a request to create a post with an empty title")
      .withRequest("POST", "/api/v1/posts", (request) =>
        request.headers({ authorization: bearer(), "Content-Type": "application/json" }).jsonBody({ title: "", body: "World" }),
      )
      .willRespondWith(422, (response) =>
        response
          .headers({ "Content-Type": PROBLEM_JSON })
          .jsonBody(problem(422, "validation_failed", { errors: eachLike({ field: equal("title"), message: string("must not be empty") }) })),
      )
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).posts.create({ title: "", body: "World" }));
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).fieldErrors[0]?.field).toBe("title");
      }));

  it("413 for a body that is too large", () =>
    pact
      .addInteraction()
      .given("a signed-in user alice")
      .uponReceiving("a request to create a post with a body over the limit")
      .withRequest("POST", "/api/v1/posts", (request) =>
        request.headers({ authorization: bearer(), "Content-Type": "application/json" }).jsonBody({ title: "Big", body: "x".repeat(65_600) }),
      )
      .willRespondWith(413, (response) => response.headers({ "Content-Type": PROBLEM_JSON }).jsonBody(problem(413, "payload_too_large")))
      .executeTest(async (server) => {
        const error = await failure(clientFor(server.url).posts.create({ title: "Big", body: "x".repeat(65_600) }));
        expect(error.status).toBe(413);
        expect(error).not.toBeInstanceOf(AuthenticationError);
      }));
});
