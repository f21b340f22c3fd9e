// The Express adapter on a tiny real app, over real HTTP, with real tokens
// from the test issuer: the whole token matrix (every way a token can be
// wrong), the Authorization header matrix, optional authentication, and how
// authErrorHandler answers (status, code, RFC 6750 challenge, no-store).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express, { type ErrorRequestHandler } from "express";
import { createHmac } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import type { Verifier } from "../src/core/index.js";
import { authErrorHandler, claimCheck, claimEquals, claimIncludes, optionalAuth, requireAuth, requireRole } from "../src/express/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, b64url, verifierFor } from "./helpers.js";

const REALM = "test-api";
const INVALID_TOKEN = new RegExp(`^Bearer realm="${REALM}", error="invalid_token", error_description="[^"]+"$`);
const INSUFFICIENT_SCOPE = new RegExp(`^Bearer realm="${REALM}", error="insufficient_scope", error_description="[^"]+"$`);
const INVALID_REQUEST = new RegExp(`^Bearer realm="${REALM}", error="invalid_request", error_description="[^"]+"$`);
const BARE = `Bearer realm="${REALM}"`;
const now = () => Math.floor(Date.now() / 1000);

/**
 * Asserts a refusal: its status, its problem document with this code, the
 * WWW-Authenticate challenge (a string, a pattern, or undefined for none) and
 * Cache-Control: no-store.
 */
async function expectFailsWith(response: Response, status: number, code: string, challenge: string | RegExp | undefined): Promise<void> {
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  expect(body).toEqual({ type: `urn:authbridge:problem:${code}`, title: expect.any(String), status, detail: expect.any(String), code });
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const header = response.headers.get("www-authenticate") ?? undefined;
  if (challenge instanceof RegExp) expect(header).toMatch(challenge);
  else expect(header).toBe(challenge);
}

/** A tiny app: one route of each kind, and one that fails with something else than an AuthError. */
async function startApp(verifier: Verifier): Promise<{ url: string; server: Server }> {
  const app = express();
  app.get("/required", requireAuth(verifier), (req, res) => {
    res.json({ sub: req.auth?.sub });
  });
  app.get("/optional", optionalAuth(verifier), (req, res) => {
    res.json({ sub: req.auth?.sub ?? null });
  });
  // req.auth stays a Principal through the claim checks: no cast.
  app.get("/moderation", requireAuth(verifier), requireRole("moderator", "admin"), (req, res) => {
    res.json({ sub: req.auth?.sub, role: req.auth?.role });
  });
  app.get("/verified", requireAuth(verifier), claimEquals("email_verified", true), claimIncludes("scope", "posts:write"), (req, res) => {
    res.json({ sub: req.auth?.sub });
  });
  app.get("/acme", optionalAuth(verifier), claimCheck((claims) => claims.org === "acme", "Only for acme."), (req, res) => {
    res.json({ sub: req.auth?.sub });
  });
  app.get("/broken", () => {
    throw new Error("not about authentication");
  });
  app.use(authErrorHandler({ realm: REALM }));
  const passedOn: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    res.status(500).json({ passedOn: error instanceof Error ? error.message : String(error) });
  };
  app.use(passedOn);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the Express adapter", () => {
  let issuer: TestIssuer;
  let server: Server;
  let url: string;
  const events: string[] = [];
  const call = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { headers: { ...headers, ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) } });

  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const verifier = verifierFor(issuer, {
      observer: {
        tokenAccepted: (cached) => events.push(cached ? "accepted:cache" : "accepted:verified"),
        tokenRefused: (error) => events.push(`refused:${error.reason}`),
      },
    });
    ({ server, url } = await startApp(verifier));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await issuer.stop();
  });

  it("puts the caller on req.auth, verifying a token once and remembering it after", async () => {
    const token = await issuer.mint({ sub: "user-ada" });
    events.length = 0;
    for (const path of ["/required", "/optional", "/required"]) {
      const response = await call(path, token);
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { sub: "user-ada" } });
    }
    expect(events).toEqual(["accepted:verified", "accepted:cache", "accepted:cache"]);
  });

  const tokenCases: Array<[string, (issuer: TestIssuer) => Promise<string>, string, string]> = [
    ["expired", (i) => i.mint({ exp: now() - 60, iat: now() - 960 }), "token_expired", "expired"],
    ["not yet valid", (i) => i.mint({ nbf: now() + 300 }), "token_invalid", "not_yet_valid"],
    ["issued in the future", (i) => i.mint({ iat: now() + 300, exp: now() + 1200 }), "token_invalid", "issued_in_future"],
    ["from another issuer", (i) => i.mint({ iss: "https://evil.example.net" }), "token_invalid", "wrong_issuer"],
    ["for another audience", (i) => i.mint({ aud: "https://elsewhere.example.com" }), "token_invalid", "wrong_audience"],
    ["with sub not a string", (i) => i.mint({ sub: 12345 }), "token_invalid", "invalid_claim"],
    ["without exp", (i) => i.mint({}, { omit: ["exp"] }), "token_invalid", "missing_claim"],
    ["typed as another kind of JWT", (i) => i.mint({}, { header: { typ: "logout+jwt" } }), "token_invalid", "wrong_type"],
    ["with an unknown kid", async (i) => i.mint({}, { key: await i.foreignKey() }), "token_invalid", "unknown_kid"],
    ["signed by a key from another key set", async (i) => i.mint({}, { key: await i.foreignKey(), header: { kid: i.currentKey.kid } }), "token_invalid", "bad_signature"],
    ["with an embedded jwk", (i) => i.mint({}, { header: { jwk: i.currentKey.publicJwk } }), "token_invalid", "embedded_key"],
    ["with a jku", (i) => i.mint({}, { header: { jku: "https://evil.example.net/jwks" } }), "token_invalid", "embedded_key"],
    ["oversize", (i) => i.mint({ name: "x".repeat(5000) }), "token_invalid", "too_large"],
    [
      "with alg none",
      async (i) => `${b64url({ alg: "none", kid: i.currentKey.kid })}.${b64url({ sub: "u", iss: i.issuer, aud: i.audience, iat: now(), exp: now() + 900 })}.`,
      "token_invalid",
      "malformed",
    ],
    [
      "HMAC-signed with the public key",
      async (i) => {
        const signingInput = `${b64url({ alg: "HS256", kid: i.currentKey.kid, typ: "at+jwt" })}.${b64url({ sub: "u", iss: i.issuer, aud: i.audience, iat: now(), exp: now() + 900 })}`;
        return `${signingInput}.${createHmac("sha256", JSON.stringify(i.currentKey.publicJwk)).update(signingInput).digest("base64url")}`;
      },
      "token_invalid",
      "alg_not_allowed",
    ],
    [
      "with a tampered payload",
      async (i) => {
        const [header, , signature] = (await i.mint({ sub: "user-1" })).split(".");
        return `${header}.${b64url({ sub: "admin", iss: i.issuer, aud: i.audience, iat: now(), exp: now() + 900 })}.${signature}`;
      },
      "token_invalid",
      "bad_signature",
    ],
    ["with the signature stripped", async (i) => `${(await i.mint()).split(".").slice(0, 2).join(".")}.`, "token_invalid", "malformed"],
    [
      "relabelled with a non-allowed algorithm (ES256)",
      async (i) => {
        const key = await i.foreignKey();
        return new SignJWT({ sub: "u", iss: i.issuer, aud: i.audience, iat: now(), exp: now() + 900 })
          .setProtectedHeader({ alg: "EdDSA", kid: i.currentKey.kid, typ: "at+jwt" })
          .sign(key.privateKey)
          .then((token) => token.replace(/^[^.]+/, b64url({ alg: "ES256", kid: i.currentKey.kid, typ: "at+jwt" })));
      },
      "token_invalid",
      "alg_not_allowed",
    ],
  ];

  it.each(tokenCases)('refuses a token %s with 401 error="invalid_token", on required and optional routes alike', async (_label, make, code, reason) => {
    const token = await make(issuer);
    events.length = 0;
    for (const path of ["/required", "/optional"]) await expectFailsWith(await call(path, token), 401, code, INVALID_TOKEN);
    expect(events).toEqual([`refused:${reason}`, `refused:${reason}`]);
  });

  it("answers no token with 401 and a bare challenge on a required route, and lets the request in anonymously on an optional one", async () => {
    events.length = 0;
    await expectFailsWith(await call("/required"), 401, "token_missing", BARE);
    await expectFailsWith(await call("/required", undefined, { authorization: "Basic dXNlcjpwYXNz" }), 401, "token_missing", BARE);
    for (const headers of [{}, { authorization: "Basic dXNlcjpwYXNz" }] as Array<Record<string, string>>) {
      const response = await call("/optional", undefined, headers);
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { sub: null } });
    }
    expect(events).toEqual(["refused:missing", "refused:missing"]);
  });

  it.each(["Bearer", "Bearer a b", "Bearer ab=c"])("answers the malformed header %j with 400 invalid_request, on both kinds of route", async (authorization) => {
    for (const path of ["/required", "/optional"]) await expectFailsWith(await call(path, undefined, { authorization }), 400, "invalid_request", INVALID_REQUEST);
  });

  it("answers a token in the query string with 400, even beside a good header, on both kinds of route", async () => {
    const token = await issuer.mint();
    for (const path of ["/required", "/optional"]) {
      await expectFailsWith(await call(`${path}?access_token=${token}`), 400, "invalid_request", INVALID_REQUEST);
      await expectFailsWith(await call(`${path}?access_token=${token}`, token), 400, "invalid_request", INVALID_REQUEST);
    }
  });

  it("answers two Authorization headers with 400, even two good ones", async () => {
    const token = await issuer.mint();
    const { status, challenge } = await new Promise<{ status: number; challenge: string | undefined }>((resolve, reject) => {
      const request = httpRequest(`${url}/required`);
      request.setHeader("authorization", [`Bearer ${token}`, `Bearer ${token}`]);
      request.once("response", (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, challenge: response.headers["www-authenticate"] });
      });
      request.once("error", reject);
      request.end();
    });
    expect(status).toBe(400);
    expect(challenge).toMatch(INVALID_REQUEST);
  });

  it("lets a caller with one of the roles through, with req.auth set", async () => {
    for (const role of ["moderator", "admin"]) {
      const response = await call("/moderation", await issuer.mint({ sub: "user-mod", role }));
      expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { sub: "user-mod", role } });
    }
  });

  it.each([
    ["a plain user", { role: "user" }],
    ["no role at all", { role: undefined }],
    ["a role spelled otherwise", { role: "MODERATOR" }],
  ])("answers %s on a role-guarded route with 403 insufficient_scope and its challenge", async (_name, claims) => {
    await expectFailsWith(await call("/moderation", await issuer.mint(claims)), 403, "insufficient_scope", INSUFFICIENT_SCOPE);
  });

  it("checks the token before the role: a bad token is 401, no token a bare 401", async () => {
    await expectFailsWith(await call("/moderation", await issuer.mint({ role: "admin", exp: now() - 60, iat: now() - 960 })), 401, "token_expired", INVALID_TOKEN);
    await expectFailsWith(await call("/moderation"), 401, "token_missing", BARE);
  });

  it("chains claim checks: each must pass, the first to fail answers", async () => {
    const ok = await call("/verified", await issuer.mint({ sub: "user-w", scope: "openid posts:write" }));
    expect({ status: ok.status, body: await ok.json() }).toEqual({ status: 200, body: { sub: "user-w" } });
    const unverified = await call("/verified", await issuer.mint({ email_verified: false, scope: "posts:write" }));
    expect(unverified.headers.get("www-authenticate")).toContain("email_verified");
    await expectFailsWith(unverified, 403, "insufficient_scope", INSUFFICIENT_SCOPE);
    const noScope = await call("/verified", await issuer.mint({ scope: "posts:read" }));
    expect(noScope.headers.get("www-authenticate")).toContain("posts:write");
    await expectFailsWith(noScope, 403, "insufficient_scope", INSUFFICIENT_SCOPE);
  });

  it("answers an anonymous caller on a claim-checked route 401 token_missing, never 403", async () => {
    await expectFailsWith(await call("/acme"), 401, "token_missing", BARE);
    await expectFailsWith(await call("/acme", await issuer.mint({ org: "other" })), 403, "insufficient_scope", `Bearer realm="${REALM}", error="insufficient_scope", error_description="Only for acme."`);
    expect((await call("/acme", await issuer.mint({ org: "acme" }))).status).toBe(200);
  });

  it("leaves errors that are not about authentication to the next error handler", async () => {
    const response = await call("/broken");
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 500, body: { passedOn: "not about authentication" } });
  });
});

describe("the Express adapter while the issuer's keys cannot be had", () => {
  it("answers 503 auth_unavailable with Retry-After and no challenge: the failure is ours", async () => {
    const issuer = await startTestIssuer({ audience: AUDIENCE });
    const { server, url } = await startApp(verifierFor(issuer));
    try {
      issuer.setDown(true);
      const response = await fetch(`${url}/required`, { headers: { authorization: `Bearer ${await issuer.mint()}` } });
      expect(response.headers.get("retry-after")).toBe("5");
      await expectFailsWith(response, 503, "auth_unavailable", undefined);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await issuer.stop();
    }
  });
});
