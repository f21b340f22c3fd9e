// The resource-service's own use of the verifier: its routes authenticate,
// refusals go through its error handler as problems with its realm, and a
// refused request changes nothing. Every way a token or an Authorization
// header can be wrong is the verifier's to test (verifier/test/express.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

const REALM = 'Bearer realm="authbridge"';

describe("authentication errors over HTTP (RFC 6750 + RFC 9457)", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.stop());

  it("answers a missing token with 401, a bare challenge and token_missing", async () => {
    const response = await call(pair.api, "/api/v1/users/me");
    await expectProblem(response, 401, "token_missing");
    expect(response.headers.get("www-authenticate")).toBe(REALM);
  });

  it("answers a malformed Authorization header with 400 invalid_request", async () => {
    const response = await call(pair.api, "/api/v1/users/me", { headers: { authorization: "Bearer a b" } });
    await expectProblem(response, 400, "invalid_request");
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="authbridge", error="invalid_request", error_description="[^"]+"$/);
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 960 }, "token_expired"],
    ["for another audience", { aud: "https://elsewhere.example.com" }, "token_invalid"],
    ["from another issuer", { iss: "https://evil.example.net" }, "token_invalid"],
  ])("answers a token %s with 401 invalid_token and its code", async (_label, claims, code) => {
    const response = await call(pair.api, "/api/v1/users/me", { token: await pair.issuer.mint(claims) });
    await expectProblem(response, 401, code);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="authbridge", error="invalid_token", error_description="[^"]+"$/);
  });

  it("answers random bytes as a token with 401, never 5xx", async () => {
    for (const garbage of ["x", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "\u00ff\u00fe", "A".repeat(5000)]) {
      const response = await fetch(`${pair.api.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${encodeURIComponent(garbage)}` } });
      expect([400, 401]).toContain(response.status);
    }
  });

  it("optional authentication: no token is anonymous, a bad token is still 401 (never a silent downgrade)", async () => {
    expect((await call(pair.api, "/api/v1/posts")).status).toBe(200);
    const bad = await call(pair.api, "/api/v1/posts", { token: `${await pair.issuer.mint()}x` });
    await expectProblem(bad, 401, "token_invalid");
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("accepts a valid token", async () => {
    const response = await call(pair.api, "/api/v1/users/me", { token: await pair.issuer.mint({ sub: "user-valid" }) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe("user-valid");
  });

  it("writes nothing for a refused token", async () => {
    const { prisma } = pair.api.service.db;
    const before = { posts: await prisma.post.count(), users: await prisma.user.count() };
    const now = Math.floor(Date.now() / 1000);
    const token = await pair.issuer.mint({ exp: now - 60, iat: now - 960 });
    await expectProblem(await call(pair.api, "/api/v1/posts", { token, json: { title: "t", body: "b" } }), 401, "token_expired");
    expect({ posts: await prisma.post.count(), users: await prisma.user.count() }).toEqual(before);
  });

  it("never logs a token", async () => {
    const token = await pair.issuer.mint({ sub: "user-logged" });
    await call(pair.api, "/api/v1/users/me", { token });
    await call(pair.api, `/api/v1/posts?access_token=${token}`);
    expect(pair.api.logs.join("")).not.toContain(token.split(".")[2]);
  });
});
