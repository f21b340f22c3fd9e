// Hostile input, everywhere: whatever arrives, the answer is a clean 4xx
// problem+json, never a 5xx, never a crash, and nothing is written.
// Random input comes from a seeded generator, so a failure can be replayed.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { HOSTILE_CHARACTERS, rawRequest, seededBytes, seededRandom, seededText, UNSTORABLE } from "@authbridge/devstack/testing";
import http from "node:http";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

function expectClean4xx(status: number, contentType: string | null | undefined, label: string): void {
  expect({ label, ok: status >= 400 && status < 500 }).toEqual({ label, ok: true });
  expect(contentType ?? "").toMatch(/^application\/problem\+json/);
}

describe("hostile input to the resource-service", () => {
  let pair: Pair;
  let token: string;
  beforeAll(async () => {
    pair = await startPair();
    token = await pair.issuer.mint({ sub: "target-user" });
    expect((await call(pair.api, "/api/v1/users/me", { token })).status).toBe(200);
  });
  afterAll(() => pair.stop());

  async function nothingWritten(): Promise<void> {
    expect(await pair.api.service.db.prisma.post.count()).toBe(0);
    expect(await pair.api.service.db.prisma.user.count()).toBe(1);
    expect((await fetch(`${pair.api.url}/healthz`)).status).toBe(200);
  }

  it("random bytes as tokens (seed 1), through the raw socket", async () => {
    const next = seededRandom(1);
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const bytes = seededBytes(next, 1 + Math.floor(next() * 300));
      const request = Buffer.concat([Buffer.from("GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "), bytes, Buffer.from("\r\nConnection: close\r\n\r\n")]);
      const { status, body } = await rawRequest(pair.api.url, request);
      expect({ attempt, status: status >= 400 && status < 500 }).toEqual({ attempt, status: true });
      expect(body).toMatch(/"code":"[a-z_]+"/);
    }
    await nothingWritten();
  });

  it("random bytes as JSON bodies (seed 2)", async () => {
    const next = seededRandom(2);
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const body = seededBytes(next, 1 + Math.floor(next() * 2_000));
      const response = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expectClean4xx(response.status, response.headers.get("content-type"), `attempt ${attempt}`);
    }
    await nothingWritten();
  });

  it("deep nesting, invalid UTF-8 and prototype-pollution keys", async () => {
    const bodies: Array<[string, string | Buffer]> = [
      ["deep arrays", `${"[".repeat(30_000)}${"]".repeat(30_000)}`],
      ["deep objects", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`],
      ["invalid UTF-8", Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('","body":"b"}')])],
      ["__proto__", '{"title":"t","body":"b","__proto__":{"polluted":true}}'],
      ["constructor.prototype", '{"title":"t","body":"b","constructor":{"prototype":{"polluted":true}}}'],
      ["a JSON string, not an object", '"just a string"'],
    ];
    for (const [label, body] of bodies) {
      const response = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expectClean4xx(response.status, response.headers.get("content-type"), label);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const query of ["?__proto__[polluted]=1", "?constructor[prototype][polluted]=1", "?limit=1&limit=2", "?author[$ne]=x"]) {
      const response = await fetch(`${pair.api.url}/api/v1/posts${query}`);
      expectClean4xx(response.status, response.headers.get("content-type"), query);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await nothingWritten();
  });

  it("a 5 MB body and 64 KB of headers", async () => {
    const status = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const request = http.request(`${pair.api.url}/api/v1/posts`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": 5 * 1024 * 1024 },
      });
      request.once("response", (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"] });
        request.destroy();
      });
      request.once("error", reject);
      request.write("x".repeat(64 * 1024));
    });
    expectClean4xx(status.status, status.type, "5 MB body");

    const huge = await rawRequest(pair.api.url, `GET /api/v1/posts HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(huge.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(huge.body)).toEqual(expect.objectContaining({ status: 431, code: "headers_too_large" }));
    await nothingWritten();
  });
});

// Text PostgreSQL cannot store (NUL; lone surrogates, which JSON carries as
// "\ud800" escapes) must be refused before it reaches the database: 422 with
// the field for what a request brings, 401 for a token's claims. Every other
// character must be stored exactly as sent.
describe("characters PostgreSQL cannot store", () => {
  let pair: Pair;
  let token: string;
  let postId: string;
  beforeAll(async () => {
    pair = await startPair();
    token = await pair.issuer.mint({ sub: "writer" });
    const created = await call(pair.api, "/api/v1/posts", { token, json: { title: "t", body: "b" } });
    expect(created.status).toBe(201);
    postId = ((await created.json()) as { id: string }).id;
  });
  afterAll(() => pair.stop());

  async function expectFieldRefused(response: Response, field: string): Promise<void> {
    const body = await expectProblem(response, 422, "validation_failed");
    expect(body.errors).toEqual([{ field, message: "must not contain NUL characters or unpaired surrogates" }]);
  }

  it.each(["\u0000", "a\u0000b", "\ud800", "x\udfff", "\udbff\u0000"])("refuses %j in every string field of every body, naming the field", async (bad) => {
    const requests: Array<[string, string, Record<string, unknown>, string]> = [
      ["POST", "/api/v1/posts", { title: bad, body: "b" }, "title"],
      ["POST", "/api/v1/posts", { title: "t", body: bad }, "body"],
      ["PATCH", `/api/v1/posts/${postId}`, { title: bad }, "title"],
      ["PATCH", `/api/v1/posts/${postId}`, { body: bad }, "body"],
      ["PUT", `/api/v1/posts/${postId}`, { title: "t", body: bad, visibility: "public" }, "body"],
      ["PATCH", "/api/v1/users/me", { displayName: bad }, "displayName"],
      ["PATCH", "/api/v1/users/me", { bio: bad }, "bio"],
      ["PATCH", "/api/v1/users/me", { handle: bad }, "handle"],
      ["PUT", "/api/v1/users/me", { handle: null, displayName: null, bio: bad }, "bio"],
    ];
    for (const [method, path, json, field] of requests) await expectFieldRefused(await call(pair.api, path, { method, token, json }), field);
    expect(await pair.api.service.db.prisma.post.count()).toBe(1);
  });

  it("refuses NUL in a query string (422, the parameter named), and answers 404 to a user id holding one", async () => {
    for (const query of ["?author=%00", "?author=a%00b"]) {
      await expectFieldRefused(await call(pair.api, `/api/v1/posts${query}`), "author");
      await expectFieldRefused(await call(pair.api, `/api/v1/posts${query}`, { token }), "author");
    }
    // No token's sub can hold one (the verifier refuses it), so no user has such an id.
    await expectProblem(await call(pair.api, "/api/v1/users/%00"), 404, "not_found");
    await expectProblem(await call(pair.api, "/api/v1/users/a%00b", { token }), 404, "not_found");
  });

  it.each([
    ["sub", "\u0000"],
    ["sub", "user\ud800"],
    ["email", "ada\u0000@example.com"],
    ["name", "Ada\udc00"],
    ["sid", "s\u0000"],
  ])("answers 401 token_invalid to a token whose %s holds %j, on every route that reads the caller", async (claim, value) => {
    const bad = await pair.issuer.mint({ sub: "claims-user", [claim]: value });
    for (const [method, path, json] of [
      ["GET", "/api/v1/users/me", undefined],
      ["POST", "/api/v1/posts", { title: "t", body: "b" }],
      ["GET", "/api/v1/posts", undefined],
      ["GET", `/api/v1/posts/${postId}`, undefined],
    ] as const) {
      const response = await call(pair.api, path, { method, token: bad, json });
      await expectProblem(response, 401, "token_invalid");
      expect(response.headers.get("www-authenticate")).toContain(`error_description="The token's '${claim}' claim holds a NUL character or an unpaired surrogate."`);
    }
    expect(await pair.api.service.db.prisma.user.findUnique({ where: { id: "claims-user" } })).toBeNull();
  });

  it("seeded text from the hostile alphabet (seed 4) in every field: refused when PostgreSQL cannot store it, else stored exactly", async () => {
    const next = seededRandom(4);
    let refused = 0;
    let stored = 0;
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const title = seededText(next, 1 + Math.floor(next() * 12)).trim() || "t";
      const body = seededText(next, 1 + Math.floor(next() * 40));
      const response = await call(pair.api, "/api/v1/posts", { token, json: { title, body } });
      const label = JSON.stringify({ attempt, title, body });
      if (UNSTORABLE.test(title) || UNSTORABLE.test(body)) {
        expect({ label, status: response.status }).toEqual({ label, status: 422 });
        refused += 1;
      } else {
        expect({ label, status: response.status }).toEqual({ label, status: 201 });
        const { id } = (await response.json()) as { id: string };
        const read = (await (await call(pair.api, `/api/v1/posts/${id}`, { token })).json()) as { title: string; body: string };
        expect({ label, title: read.title, body: read.body }).toEqual({ label, title: title.trim(), body });
        stored += 1;
      }

      const displayName = seededText(next, 1 + Math.floor(next() * 10)).trim() || "d";
      const profile = await call(pair.api, "/api/v1/users/me", { method: "PATCH", token, json: { displayName } });
      expect({ label: displayName, status: profile.status }).toEqual({ label: displayName, status: UNSTORABLE.test(displayName) ? 422 : 200 });

      const author = seededText(next, 1 + Math.floor(next() * 8)).replace(/[\ud800-\udfff]/g, "");
      const list = await call(pair.api, `/api/v1/posts?author=${encodeURIComponent(author)}`);
      expect({ label: author, status: list.status }).toEqual({ label: author, status: UNSTORABLE.test(author) ? 422 : 200 });
    }
    // The seed reaches both outcomes.
    expect(refused).toBeGreaterThan(10);
    expect(stored).toBeGreaterThan(10);
    expect(HOSTILE_CHARACTERS.length).toBeGreaterThan(20);
  });
});
