import { grantRole, signedInCookie, startServices, type RunningServices } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ApiClient, AuthenticationError, AuthorizationError, NotFoundError, ValidationError } from "../src/index.js";

/** The real fetch, counting the requests each URL path receives. */
function countingFetch() {
  const counts = new Map<string, number>();
  const counted: typeof fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    return fetch(input, init);
  };
  return { fetch: counted, count: (pathname: string) => counts.get(pathname) ?? 0 };
}

describe("the typed client against both real services", () => {
  let services: RunningServices;
  let n = 0;
  const email = (name: string) => `${name}.${process.pid}.${(n += 1)}@example.com`;

  async function clientFor(name: string, fetcher?: typeof fetch) {
    const cookie = await signedInCookie(services.authUrl, email(name), name);
    return new ApiClient({ apiUrl: services.apiUrl, authUrl: services.authUrl, authHeaders: () => ({ cookie }), ...(fetcher ? { fetch: fetcher } : {}) });
  }

  beforeAll(async () => {
    services = await startServices();
  });
  afterAll(() => services.stop());

  it("gets a token, keeps it, and calls the API with it", async () => {
    const counter = countingFetch();
    const ada = await clientFor("Ada", counter.fetch);
    const me = await ada.users.me();
    expect(me.name).toBe("Ada");
    const post = await ada.posts.create({ title: "Hello", body: "World" });
    expect(await ada.posts.get(post.id)).toEqual(post);
    const page = await ada.posts.list({ author: me.id });
    expect(page.items.map((item) => item.id)).toEqual([post.id]);
    await ada.posts.delete(post.id);
    expect(counter.count("/api/auth/token")).toBe(1);
  });

  it("shares one renewal between concurrent calls", async () => {
    const counter = countingFetch();
    const client = await clientFor("Concurrent", counter.fetch);
    await Promise.all(Array.from({ length: 10 }, () => client.users.me()));
    expect(counter.count("/api/auth/token")).toBe(1);
    expect(counter.count("/api/v1/users/me")).toBe(10);
  });

  it("renews once and retries once when the API says invalid_token", async () => {
    const counter = countingFetch();
    const client = await clientFor("Renew", counter.fetch);
    const good = await client.tokens.get();
    const [header, payload, signature = ""] = good.split(".");
    client.tokens.offer(`${header}.${payload}.${signature.slice(0, -4)}AAAA`);
    expect((await client.users.me()).name).toBe("Renew");
    expect(counter.count("/api/auth/token")).toBe(2);
    expect(counter.count("/api/v1/users/me")).toBe(2);
  });

  it("never loops: a token the API keeps refusing ends in one AuthenticationError after one retry", async () => {
    const counter = countingFetch();
    const tampering: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      const auth = headers.get("authorization");
      if (auth) headers.set("authorization", `${auth}x`);
      return counter.fetch(input, { ...init, headers });
    };
    const client = await clientFor("Refused", tampering);
    const error = await client.users.me().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("token_invalid");
    expect(counter.count("/api/v1/users/me")).toBe(2);
    expect(counter.count("/api/auth/token")).toBe(2);
  });

  it("turns problem+json into typed errors with status, code and detail", async () => {
    const alice = await clientFor("Alice");
    const bob = await clientFor("Bob");
    const post = await alice.posts.create({ title: "Mine", body: "Only I edit this" });
    const secret = await alice.posts.create({ title: "Hidden", body: "x", visibility: "private" });

    await expect(bob.posts.update(post.id, { title: "Stolen" })).rejects.toMatchObject({ constructor: AuthorizationError, status: 403, code: "not_owner" });
    await expect(bob.posts.get(secret.id)).rejects.toBeInstanceOf(NotFoundError);

    const invalid = await alice.posts.create({ title: "", body: "x" }).catch((failure: unknown) => failure);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).fieldErrors).toEqual([expect.objectContaining({ field: "title" })]);
  });

  it("moderates: a moderator hides a post and lists the record; a plain user gets an AuthorizationError with insufficientScope", async () => {
    const author = await clientFor("Author");
    const plain = await clientFor("Plain");
    const modEmail = email("Mod");
    await signedInCookie(services.authUrl, modEmail, "Mod");
    await grantRole(services.authDatabase.url, modEmail, "moderator");
    const cookie = await signedInCookie(services.authUrl, modEmail, "Mod");
    const moderator = new ApiClient({ apiUrl: services.apiUrl, authUrl: services.authUrl, authHeaders: () => ({ cookie }) });
    expect(await moderator.role()).toBe("moderator");
    expect(await plain.role()).toBe("user");

    const post = await author.posts.create({ title: "Spam", body: "Buy now" });
    expect({ hiddenAt: post.hiddenAt, hiddenReason: post.hiddenReason }).toEqual({ hiddenAt: null, hiddenReason: null });
    const refused = await plain.moderation.act({ action: "hide", postId: post.id, reason: "No" }).catch((failure: unknown) => failure);
    expect(refused).toBeInstanceOf(AuthorizationError);
    expect({ code: (refused as AuthorizationError).code, insufficientScope: (refused as AuthorizationError).insufficientScope }).toEqual({ code: "insufficient_scope", insufficientScope: true });

    const record = await moderator.moderation.act({ action: "hide", postId: post.id, reason: "Advertising" });
    expect(record).toEqual(expect.objectContaining({ action: "hide", postId: post.id, reason: "Advertising", moderatorRole: "moderator" }));
    expect((await moderator.moderation.list({ postId: post.id })).items).toEqual([record]);
    await expect(plain.posts.get(post.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await author.posts.get(post.id)).hiddenReason).toBe("Advertising");
  });

  it("an anonymous client (session: false) never asks for a token", async () => {
    const counter = countingFetch();
    const anonymous = new ApiClient({ apiUrl: services.apiUrl, authUrl: services.authUrl, session: false, fetch: counter.fetch });
    await expect(anonymous.posts.list({ limit: 5 })).resolves.toEqual(expect.objectContaining({ items: expect.any(Array) }));
    await expect(anonymous.users.me()).rejects.toMatchObject({ constructor: AuthenticationError, code: "token_missing" });
    expect(counter.count("/api/auth/token")).toBe(0);
    expect(counter.count("/api/v1/users/me")).toBe(0);
  });

  it("calls optional-auth routes anonymously without a session, and refuses required ones", async () => {
    const anonymous = new ApiClient({ apiUrl: services.apiUrl, authUrl: services.authUrl });
    await expect(anonymous.posts.list()).resolves.toEqual(expect.objectContaining({ items: expect.any(Array) }));
    await expect(anonymous.users.me()).rejects.toMatchObject({ constructor: AuthenticationError, status: 401 });
  });
});
