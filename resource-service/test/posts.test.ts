import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

interface Post {
  id: string;
  authorId: string;
  title: string;
  body: string;
  visibility: "public" | "private";
}

describe("posts: ownership, visibility, validation, pagination", () => {
  let pair: Pair;
  let alice: string;
  let bob: string;
  let alicePublic: Post;
  let alicePrivate: Post;

  async function create(token: string, json: Record<string, unknown>): Promise<Post> {
    const response = await call(pair.api, "/api/v1/posts", { token, json });
    expect(response.status).toBe(201);
    const post = (await response.json()) as Post;
    expect(response.headers.get("location")).toBe(`/api/v1/posts/${post.id}`);
    return post;
  }

  beforeAll(async () => {
    pair = await startPair();
    alice = await pair.issuer.mint({ sub: "alice", name: "Alice" });
    bob = await pair.issuer.mint({ sub: "bob", name: "Bob" });
    alicePublic = await create(alice, { title: "Hello", body: "Public words" });
    alicePrivate = await create(alice, { title: "Diary", body: "Private words", visibility: "private" });
  });
  afterAll(() => pair.stop());

  it("creates posts with unguessable UUIDv7 ids and public visibility by default", () => {
    expect(alicePublic).toEqual(expect.objectContaining({ authorId: "alice", title: "Hello", visibility: "public" }));
    expect(alicePublic.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("requires authentication to write", async () => {
    await expectProblem(await call(pair.api, "/api/v1/posts", { json: { title: "t", body: "b" } }), 401, "token_missing");
    await expectProblem(await call(pair.api, `/api/v1/posts/${alicePublic.id}`, { method: "DELETE" }), 401, "token_missing");
  });

  it("reads: public posts for everyone, private ones for their author only (404 for the rest)", async () => {
    for (const viewer of [undefined, bob, alice]) {
      expect((await call(pair.api, `/api/v1/posts/${alicePublic.id}`, { token: viewer })).status).toBe(200);
    }
    expect((await call(pair.api, `/api/v1/posts/${alicePrivate.id}`, { token: alice })).status).toBe(200);
    await expectProblem(await call(pair.api, `/api/v1/posts/${alicePrivate.id}`, { token: bob }), 404, "not_found");
    await expectProblem(await call(pair.api, `/api/v1/posts/${alicePrivate.id}`), 404, "not_found");
  });

  it("changes: 403 not_owner on someone else's public post, 404 on their private one, and nothing changes", async () => {
    for (const method of ["PATCH", "PUT", "DELETE"]) {
      const json = method === "DELETE" ? undefined : { title: "Mine now", body: "x", visibility: "public" };
      await expectProblem(await call(pair.api, `/api/v1/posts/${alicePublic.id}`, { method, token: bob, json }), 403, "not_owner");
      await expectProblem(await call(pair.api, `/api/v1/posts/${alicePrivate.id}`, { method, token: bob, json }), 404, "not_found");
    }
    const unchanged = await pair.api.service.db.prisma.post.findMany({ where: { authorId: "alice" } });
    expect(unchanged.map((post) => post.title).sort()).toEqual(["Diary", "Hello"]);
  });

  it("lets the author change (PATCH, PUT) and delete their post", async () => {
    const post = await create(alice, { title: "Draft", body: "v1" });
    const patched = await call(pair.api, `/api/v1/posts/${post.id}`, { method: "PATCH", token: alice, json: { body: "v2" } });
    expect(await patched.json()).toEqual(expect.objectContaining({ title: "Draft", body: "v2" }));
    const put = await call(pair.api, `/api/v1/posts/${post.id}`, { method: "PUT", token: alice, json: { title: "Final", body: "v3", visibility: "private" } });
    expect(await put.json()).toEqual(expect.objectContaining({ title: "Final", body: "v3", visibility: "private" }));
    const deleted = await call(pair.api, `/api/v1/posts/${post.id}`, { method: "DELETE", token: alice });
    expect(deleted.status).toBe(204);
    await expectProblem(await call(pair.api, `/api/v1/posts/${post.id}`, { token: alice }), 404, "not_found");
  });

  it("refuses invalid input and fields a client may not set, writing nothing", async () => {
    const before = await pair.api.service.db.prisma.post.count();
    for (const json of [
      {},
      { title: "", body: "b" },
      { title: "t", body: "b", visibility: "secret" },
      { title: "t", body: "b", authorId: "bob" },
      { title: "t", body: "b", id: "00000000-0000-7000-8000-000000000000" },
      { title: "x".repeat(201), body: "b" },
    ]) {
      const body = await expectProblem(await call(pair.api, "/api/v1/posts", { token: bob, json }), 422, "validation_failed");
      expect(Array.isArray(body.errors)).toBe(true);
    }
    await expectProblem(await call(pair.api, `/api/v1/posts/${alicePublic.id}`, { method: "PATCH", token: alice, json: {} }), 422, "validation_failed");
    await expectProblem(await call(pair.api, `/api/v1/posts/${alicePublic.id}`, { method: "PATCH", token: alice, json: { authorId: "bob" } }), 422, "validation_failed");
    expect(await pair.api.service.db.prisma.post.count()).toBe(before);
  });

  it("answers bodies that are too large, malformed or not JSON with 413, 400 and 415", async () => {
    await expectProblem(await call(pair.api, "/api/v1/posts", { token: bob, json: { title: "t", body: "x".repeat(100_000) } }), 413, "payload_too_large");
    const malformed = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${bob}`, "content-type": "application/json" }, body: "{" });
    await expectProblem(malformed, 400, "malformed_json");
    const text = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${bob}`, "content-type": "text/plain" }, body: "hi" });
    await expectProblem(text, 415, "unsupported_media_type");
  });

  it("reads a body only where an operation takes one: before the token is checked there, ignored elsewhere", async () => {
    const textBody = (path: string, method: string, token?: string) =>
      fetch(`${pair.api.url}${path}`, { method, headers: { "content-type": "text/plain", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: "hi" });
    await expectProblem(await textBody("/api/v1/posts", "POST"), 415, "unsupported_media_type");
    await expectProblem(await textBody(`/api/v1/posts/${alicePublic.id}`, "PATCH"), 415, "unsupported_media_type");
    await expectProblem(await textBody("/api/v1/nothing-here", "POST", alice), 404, "not_found");
    const oversized = await fetch(`${pair.api.url}/api/v1/nothing-here`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: "x".repeat(100_000) }) });
    await expectProblem(oversized, 404, "not_found");
    const doomed = await create(alice, { title: "Doomed", body: "b" });
    expect((await textBody(`/api/v1/posts/${doomed.id}`, "DELETE", alice)).status).toBe(204);
    expect((await call(pair.api, `/api/v1/posts/${doomed.id}`)).status).toBe(404);
  });

  it("answers ids that are not UUIDs or do not exist with 404", async () => {
    for (const id of ["1", "not-a-uuid", "00000000-0000-7000-8000-000000000000"]) {
      await expectProblem(await call(pair.api, `/api/v1/posts/${id}`, { token: alice }), 404, "not_found");
      await expectProblem(await call(pair.api, `/api/v1/posts/${id}`, { method: "DELETE", token: alice }), 404, "not_found");
    }
  });

  describe("the list", () => {
    let carol: string;
    beforeAll(async () => {
      carol = await pair.issuer.mint({ sub: "carol" });
      for (let index = 0; index < 25; index += 1) await create(carol, { title: `Carol ${index}`, body: "b", visibility: index % 5 === 0 ? "private" : "public" });
    });

    async function page(query: string, token?: string) {
      const response = await call(pair.api, `/api/v1/posts${query}`, { token });
      expect(response.status).toBe(200);
      return (await response.json()) as { items: Post[]; nextCursor: string | null };
    }

    it("shows everyone public posts, and a signed-in caller also their own private ones", async () => {
      const anonymous = await page("?author=alice");
      expect(anonymous.items.map((post) => post.id)).toEqual([alicePublic.id]);
      const own = await page("?author=alice", alice);
      expect(own.items.map((post) => post.id).sort()).toEqual([alicePublic.id, alicePrivate.id].sort());
      const other = await page("?author=alice", bob);
      expect(other.items.map((post) => post.id)).toEqual([alicePublic.id]);
    });

    it("pages newest first with a cursor, 20 by default and at most 100", async () => {
      const first = await page("?author=carol", carol);
      expect(first.items).toHaveLength(20);
      expect(first.items[0]?.title).toBe("Carol 24");
      const second = await page(`?author=carol&cursor=${first.nextCursor}`, carol);
      expect(second.items).toHaveLength(5);
      expect(second.nextCursor).toBeNull();
      expect(new Set([...first.items, ...second.items].map((post) => post.id)).size).toBe(25);

      const publicOnly = await page("?author=carol&limit=100");
      expect(publicOnly.items).toHaveLength(20);
      expect(publicOnly.items.every((post) => post.visibility === "public")).toBe(true);
    });

    it.each(["limit=0", "limit=101", "limit=abc", "limit=1&limit=2", "cursor=not-a-uuid", "author=a&author=b", "unknown=1"])(
      "refuses ?%s with 422",
      async (query) => {
        await expectProblem(await call(pair.api, `/api/v1/posts?${query}`), 422, "validation_failed");
      },
    );

    it.each([
      ["limit=1&limit=2", ["limit"]],
      ["author=a&author=b&limit=3", ["author"]],
      ["cursor=x&limit=1&cursor=y&limit=2", ["cursor", "limit"]],
      ["limit=5&limit=5", ["limit"]],
      ["unknown=1&unknown=2", ["unknown"]],
    ])("says that ?%s repeats a parameter, rather than what its value is not", async (query, repeated) => {
      const body = await expectProblem(await call(pair.api, `/api/v1/posts?${query}`), 422, "validation_failed");
      expect(body.errors).toEqual(repeated.map((field) => ({ field, message: "must be given once, not repeated" })));
      expect(body.detail).toBe(`The request query is invalid: ${repeated.map((field) => `${field}: must be given once, not repeated`).join("; ")}.`);
    });
  });
});
