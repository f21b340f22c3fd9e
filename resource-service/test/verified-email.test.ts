// REQUIRE_VERIFIED_EMAIL_FOR_WRITES: writes need `email_verified: true` in the
// token (403 email_unverified, nothing written); reads do not. Off by default.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

describe("REQUIRE_VERIFIED_EMAIL_FOR_WRITES=true", () => {
  let pair: Pair;
  let verified: string;
  let unverified: string;
  beforeAll(async () => {
    pair = await startPair({ REQUIRE_VERIFIED_EMAIL_FOR_WRITES: "true" });
    verified = await pair.issuer.mint({ sub: "verified", email_verified: true });
    unverified = await pair.issuer.mint({ sub: "unverified", email_verified: false });
  });
  afterAll(() => pair.stop());

  it("refuses every write of an unverified caller with 403 email_unverified and changes nothing", async () => {
    const post = (await (await call(pair.api, "/api/v1/posts", { token: verified, json: { title: "Mine", body: "Words" } })).json()) as { id: string };
    const writes = [
      call(pair.api, "/api/v1/posts", { token: unverified, json: { title: "Hello", body: "World" } }),
      call(pair.api, "/api/v1/users/me", { method: "PATCH", token: unverified, json: { bio: "hi" } }),
      call(pair.api, "/api/v1/users/me", { method: "PUT", token: unverified, json: { handle: null, displayName: null, bio: "hi" } }),
      call(pair.api, `/api/v1/posts/${post.id}`, { method: "DELETE", token: unverified }),
    ];
    for (const response of await Promise.all(writes)) {
      const body = await expectProblem(response, 403, "email_unverified");
      expect(body.detail).toMatch(/verify your email address/i);
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    const list = (await (await call(pair.api, "/api/v1/posts?author=unverified")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    expect((await call(pair.api, `/api/v1/posts/${post.id}`)).status).toBe(200);
  });

  it("lets an unverified caller read, and a verified one write", async () => {
    expect((await call(pair.api, "/api/v1/users/me", { token: unverified })).status).toBe(200);
    expect((await call(pair.api, "/api/v1/posts", { token: unverified })).status).toBe(200);
    expect((await call(pair.api, "/api/v1/posts", { token: verified, json: { title: "Hello", body: "World" } })).status).toBe(201);
  });

  it("documents email_unverified on every write, and only there", async () => {
    const document = (await (await call(pair.api, "/openapi.json")).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const withCode = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => JSON.stringify(operation.responses["403"] ?? {}).includes("email_unverified"))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withCode.sort()).toEqual(["DELETE /api/v1/posts/{id}", "PATCH /api/v1/posts/{id}", "PATCH /api/v1/users/me", "POST /api/v1/moderation/actions", "POST /api/v1/posts", "PUT /api/v1/posts/{id}", "PUT /api/v1/users/me"]);
  });
});

describe("REQUIRE_VERIFIED_EMAIL_FOR_WRITES unset", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.stop());

  it("lets an unverified caller write, and does not document email_unverified", async () => {
    const unverified = await pair.issuer.mint({ sub: "unverified", email_verified: false });
    expect((await call(pair.api, "/api/v1/posts", { token: unverified, json: { title: "Hello", body: "World" } })).status).toBe(201);
    expect(JSON.stringify(await (await call(pair.api, "/openapi.json")).json())).not.toContain("email_unverified");
  });
});
