// Who may keep a copy of an answer. Anything that depends on who the caller
// is, or carries their data, is `no-store`; so is every error. Optional-auth
// routes vary on Authorization, and answer an anonymous caller with
// `public, no-cache`: a shared cache (a CDN) may keep the public view but
// must revalidate it (ETag, 304) on every request, so a post made private or
// deleted disappears at once.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

interface Post {
  id: string;
}

describe("caching headers", () => {
  let pair: Pair;
  let alice: string;
  let bob: string;
  let publicPost: Post;
  let privatePost: Post;

  const expectPrivate = (response: Response) => expect(response.headers.get("cache-control")).toBe("no-store");
  const expectVaries = (response: Response) => expect(response.headers.get("vary") ?? "").toMatch(/(^|,\s*)Authorization(\s*,|$)/i);

  beforeAll(async () => {
    pair = await startPair();
    alice = await pair.issuer.mint({ sub: "cache-alice" });
    bob = await pair.issuer.mint({ sub: "cache-bob" });
    publicPost = (await (await call(pair.api, "/api/v1/posts", { token: alice, json: { title: "Open", body: "For all" } })).json()) as Post;
    privatePost = (await (await call(pair.api, "/api/v1/posts", { token: alice, json: { title: "Shut", body: "For me", visibility: "private" } })).json()) as Post;
  });
  afterAll(() => pair.stop());

  it("marks every answer of a route that requires a token no-store, successes and errors alike", async () => {
    const answers = [
      await call(pair.api, "/api/v1/users/me", { token: alice }),
      await call(pair.api, "/api/v1/users/me", { method: "PATCH", token: alice, json: { bio: "hi" } }),
      await call(pair.api, "/api/v1/posts", { token: alice, json: { title: "t", body: "b" } }),
      await call(pair.api, `/api/v1/posts/${publicPost.id}`, { method: "PATCH", token: alice, json: { body: "Still for all" } }),
      await call(pair.api, "/api/v1/users/me"),
      await call(pair.api, "/api/v1/users/me", { token: "not-a-token" }),
      await call(pair.api, `/api/v1/posts/${publicPost.id}`, { method: "DELETE", token: bob }),
      await call(pair.api, `/api/v1/posts/${privatePost.id}`, { method: "DELETE", token: bob }),
      await call(pair.api, "/api/v1/posts", { token: alice, json: { title: "" } }),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 200, 201, 200, 401, 401, 403, 404, 422]);
    for (const response of answers) expectPrivate(response);
  });

  it("answers a signed-in caller of an optional-auth route no-store, varying on Authorization", async () => {
    for (const path of [`/api/v1/posts/${privatePost.id}`, `/api/v1/posts/${publicPost.id}`, "/api/v1/posts", "/api/v1/users/cache-alice"]) {
      const response = await call(pair.api, path, { token: alice });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expectPrivate(response);
      expectVaries(response);
      // Nobody may keep it, so nothing can revalidate it: no ETag is computed (http/send.ts).
      expect({ path, etag: response.headers.get("etag") }).toEqual({ path, etag: null });
    }
  });

  it("answers HEAD with GET's status and headers, and no body", async () => {
    for (const [path, token] of [
      [`/api/v1/posts/${publicPost.id}`, undefined],
      [`/api/v1/posts/${publicPost.id}`, alice],
      ["/api/v1/posts", alice],
    ] as const) {
      const get = await call(pair.api, path, { token });
      const head = await call(pair.api, path, { token, method: "HEAD" });
      const headersOf = (response: Response) =>
        Object.fromEntries(["cache-control", "vary", "content-type", "content-length", "etag"].map((name) => [name, response.headers.get(name)]));
      expect({ path, status: head.status, headers: headersOf(head) }).toEqual({ path, status: get.status, headers: headersOf(get) });
      expect(await head.text()).toBe("");
    }
  });

  it("lets a shared cache keep an anonymous caller's public view, revalidated every time", async () => {
    for (const path of [`/api/v1/posts/${publicPost.id}`, "/api/v1/posts", "/api/v1/users/cache-alice"]) {
      const response = await call(pair.api, path);
      expect({ path, status: response.status, cacheControl: response.headers.get("cache-control") }).toEqual({ path, status: 200, cacheControl: "public, no-cache" });
      expectVaries(response);
      const etag = response.headers.get("etag");
      expect(etag).toBeTruthy();
      // As a cache revalidates (fetch alone would add Cache-Control: no-cache, which asks for the whole answer).
      const revalidated = await call(pair.api, path, { headers: { "if-none-match": etag ?? "", "cache-control": "max-age=0" } });
      expect({ path, status: revalidated.status }).toEqual({ path, status: 304 });
    }
  });

  it("never lets an error be cached, on optional-auth routes either", async () => {
    const answers = [
      [await call(pair.api, `/api/v1/posts/${privatePost.id}`), 404, "not_found"],
      [await call(pair.api, `/api/v1/posts/${privatePost.id}`, { token: bob }), 404, "not_found"],
      [await call(pair.api, "/api/v1/posts", { token: "not-a-token" }), 401, "token_invalid"],
      [await call(pair.api, "/api/v1/posts?limit=0"), 422, "validation_failed"],
      [await call(pair.api, "/api/v1/users/nobody"), 404, "not_found"],
    ] as const;
    for (const [response, status, code] of answers) {
      expectPrivate(response);
      expectVaries(response);
      await expectProblem(response, status, code);
    }
    const nowhere = await call(pair.api, "/api/v1/nowhere");
    expectPrivate(nowhere);
    await expectProblem(nowhere, 404, "not_found");
  });
});
