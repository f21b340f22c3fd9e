// Moderation over real HTTP, with real tokens from the test issuer, on real
// PostgreSQL: a moderator's token hides someone else's post and the record
// shows it; a plain user's is refused with 403 insufficient_scope; hidden posts
// are seen by their author and moderators only, by id and in lists alike (the
// TypeScript and SQL sides of posts/policy.ts agree); a role taken away works
// by the next token.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

interface Post {
  id: string;
  authorId: string;
  visibility: "public" | "private";
  hiddenAt: string | null;
  hiddenReason: string | null;
}

interface Record {
  id: string;
  action: string;
  postId: string;
  postAuthorId: string;
  moderatorId: string;
  moderatorRole: string;
  reason: string;
  createdAt: string;
}

const INSUFFICIENT_SCOPE = /^Bearer realm="[^"]+", error="insufficient_scope", error_description="[^"]+"$/;

describe("moderation", () => {
  let pair: Pair;
  let alice: string;
  let bob: string;
  let moderator: string;
  let admin: string;

  async function create(token: string, json: { [key: string]: unknown }): Promise<Post> {
    const response = await call(pair.api, "/api/v1/posts", { token, json });
    expect(response.status).toBe(201);
    return (await response.json()) as Post;
  }

  const act = (token: string | undefined, json: unknown) => call(pair.api, "/api/v1/moderation/actions", { token, json });
  const records = async (token: string, query = ""): Promise<{ items: Record[]; nextCursor: string | null }> => {
    const response = await call(pair.api, `/api/v1/moderation/actions${query}`, { token });
    expect(response.status).toBe(200);
    return (await response.json()) as { items: Record[]; nextCursor: string | null };
  };
  /** What `token` sees of `post`: by id (TypeScript policy) and in the list (SQL policy); both must agree. */
  async function sees(token: string | undefined, post: Post): Promise<boolean> {
    const byId = await call(pair.api, `/api/v1/posts/${post.id}`, { token });
    expect([200, 404]).toContain(byId.status);
    const list = await call(pair.api, `/api/v1/posts?author=${post.authorId}&limit=100`, { token });
    const listed = ((await list.json()) as { items: Post[] }).items.some((item) => item.id === post.id);
    expect(listed).toBe(byId.status === 200);
    return listed;
  }

  beforeAll(async () => {
    pair = await startPair();
    alice = await pair.issuer.mint({ sub: "alice", name: "Alice" });
    bob = await pair.issuer.mint({ sub: "bob", name: "Bob" });
    moderator = await pair.issuer.mint({ sub: "mod", name: "Mo", role: "moderator" });
    admin = await pair.issuer.mint({ sub: "root", name: "Ada", role: "admin" });
  });
  afterAll(() => pair.stop());

  it("lets a moderator hide someone else's post, with a reason, and records who, what, when and why", async () => {
    const post = await create(alice, { title: "Buy now", body: "Spam" });
    const before = Date.now();
    const response = await act(moderator, { action: "hide", postId: post.id, reason: "Advertising" });
    expect(response.status).toBe(201);
    const record = (await response.json()) as Record;
    expect(record).toEqual({
      id: expect.any(String),
      action: "hide",
      postId: post.id,
      postAuthorId: "alice",
      moderatorId: "mod",
      moderatorRole: "moderator",
      reason: "Advertising",
      createdAt: expect.any(String),
    });
    expect(Date.parse(record.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    expect((await records(admin, `?postId=${post.id}`)).items).toEqual([record]);
    expect((await records(moderator)).items[0]).toEqual(record);
  });

  it("refuses plain users (their own posts included) with 403 insufficient_scope and changes nothing; no token is 401", async () => {
    const post = await create(alice, { title: "Fine", body: "Words" });
    for (const token of [bob, alice, await pair.issuer.mint({ sub: "norole", role: undefined }), await pair.issuer.mint({ sub: "odd", role: "superadmin" })]) {
      const refused = await act(token, { action: "hide", postId: post.id, reason: "No" });
      expect(refused.headers.get("www-authenticate")).toMatch(INSUFFICIENT_SCOPE);
      await expectProblem(refused, 403, "insufficient_scope");
      const list = await call(pair.api, "/api/v1/moderation/actions", { token });
      expect(list.headers.get("www-authenticate")).toMatch(INSUFFICIENT_SCOPE);
      await expectProblem(list, 403, "insufficient_scope");
    }
    await expectProblem(await act(undefined, { action: "hide", postId: post.id, reason: "No" }), 401, "token_missing");
    expect(await sees(undefined, post)).toBe(true);
    expect((await records(admin, `?postId=${post.id}`)).items).toEqual([]);
  });

  it("shows a hidden post, with its reason, to its author and moderators only; to everyone else it does not exist", async () => {
    const post = await create(alice, { title: "Rude", body: "Words" });
    expect((await act(admin, { action: "hide", postId: post.id, reason: "Rude words" })).status).toBe(201);

    expect(await sees(undefined, post)).toBe(false);
    expect(await sees(bob, post)).toBe(false);
    await expectProblem(await call(pair.api, `/api/v1/posts/${post.id}`, { token: bob }), 404, "not_found");
    for (const token of [alice, moderator, admin]) {
      expect(await sees(token, post)).toBe(true);
      const seen = (await (await call(pair.api, `/api/v1/posts/${post.id}`, { token })).json()) as Post;
      expect({ hiddenReason: seen.hiddenReason, hidden: seen.hiddenAt !== null }).toEqual({ hiddenReason: "Rude words", hidden: true });
    }
    // Ownership for everyone else is unchanged: a hidden post is as good as absent (404), a private one too.
    await expectProblem(await call(pair.api, `/api/v1/posts/${post.id}`, { method: "PATCH", token: bob, json: { title: "x" } }), 404, "not_found");
    // The author still changes their post.
    expect((await call(pair.api, `/api/v1/posts/${post.id}`, { method: "PATCH", token: alice, json: { title: "Polite" } })).status).toBe(200);

    expect((await act(moderator, { action: "unhide", postId: post.id, reason: "Fixed" })).status).toBe(201);
    expect(await sees(bob, post)).toBe(true);
    const shown = (await (await call(pair.api, `/api/v1/posts/${post.id}`)).json()) as Post;
    expect({ hiddenAt: shown.hiddenAt, hiddenReason: shown.hiddenReason }).toEqual({ hiddenAt: null, hiddenReason: null });
    expect((await records(moderator, `?postId=${post.id}`)).items.map((item) => item.action)).toEqual(["unhide", "hide"]);
  });

  it("keeps private posts private from moderators too, and leaves other ownership rules alone", async () => {
    const secret = await create(alice, { title: "Diary", body: "Private", visibility: "private" });
    expect(await sees(moderator, secret)).toBe(false);
    const open = await create(alice, { title: "Open", body: "Public" });
    // Moderators change others' posts only through the moderation route, where it is recorded.
    await expectProblem(await call(pair.api, `/api/v1/posts/${open.id}`, { method: "DELETE", token: moderator }), 403, "not_owner");
    await expectProblem(await call(pair.api, `/api/v1/posts/${open.id}`, { method: "DELETE", token: bob }), 403, "not_owner");
    await expectProblem(await call(pair.api, `/api/v1/posts/${secret.id}`, { method: "DELETE", token: bob }), 404, "not_found");
  });

  it("lets a moderator delete any post; the record outlives it", async () => {
    const post = await create(bob, { title: "Gone", body: "Soon" });
    const response = await act(moderator, { action: "delete", postId: post.id, reason: "Illegal" });
    expect(response.status).toBe(201);
    await expectProblem(await call(pair.api, `/api/v1/posts/${post.id}`, { token: bob }), 404, "not_found");
    expect((await records(moderator, `?postId=${post.id}`)).items).toEqual([expect.objectContaining({ action: "delete", postAuthorId: "bob", reason: "Illegal" })]);
    await expectProblem(await act(moderator, { action: "delete", postId: post.id, reason: "Again" }), 404, "not_found");
  });

  it("refuses bad input with 422 or 404 and records nothing", async () => {
    const post = await create(alice, { title: "Target", body: "Words" });
    for (const json of [
      { action: "ban", postId: post.id, reason: "x" },
      { action: "hide", postId: post.id },
      { action: "hide", postId: post.id, reason: "   " },
      { action: "hide", postId: "not-a-uuid", reason: "x" },
      { action: "hide", postId: post.id, reason: "x".repeat(501) },
      { action: "hide", postId: post.id, reason: "x", moderatorId: "someone-else" },
    ]) {
      await expectProblem(await act(moderator, json), 422, "validation_failed");
    }
    await expectProblem(await act(moderator, { action: "hide", postId: "0190a2b4-0000-7000-8000-000000000000", reason: "x" }), 404, "not_found");
    expect((await records(moderator, `?postId=${post.id}`)).items).toEqual([]);
    expect(await sees(bob, post)).toBe(true);
  });

  it("pages the records newest first", async () => {
    const post = await create(alice, { title: "Paged", body: "Words" });
    for (const action of ["hide", "unhide", "hide"]) expect((await act(moderator, { action, postId: post.id, reason: action })).status).toBe(201);
    const first = await records(moderator, `?postId=${post.id}&limit=2`);
    expect(first.items.map((item) => item.reason)).toEqual(["hide", "unhide"]);
    const second = await records(moderator, `?postId=${post.id}&limit=2&cursor=${first.nextCursor}`);
    expect({ reasons: second.items.map((item) => item.reason), next: second.nextCursor }).toEqual({ reasons: ["hide"], next: null });
  });

  it("takes a role away by the next token: the old token keeps it until it expires, the next one does not", async () => {
    const post = await create(alice, { title: "Later", body: "Words" });
    const demoted = await pair.issuer.mint({ sub: "former-mod", role: "user" });
    await expectProblem(await act(demoted, { action: "hide", postId: post.id, reason: "x" }), 403, "insufficient_scope");
    const expired = await pair.issuer.mint({ sub: "former-mod", role: "moderator", iat: Math.floor(Date.now() / 1000) - 1000, exp: Math.floor(Date.now() / 1000) - 60 });
    await expectProblem(await act(expired, { action: "hide", postId: post.id, reason: "x" }), 401, "token_expired");
    expect(await sees(bob, post)).toBe(true);
  });
});
