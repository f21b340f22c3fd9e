// The example service against real signed tokens: the test issuer serves a
// discovery document and a JWKS on 127.0.0.1 and mints tokens in the
// auth-service's exact shape, so this is what your own tests can look like.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createVerifier } from "@authbridge/verifier";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { createApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";

const AUDIENCE = "https://notes.example.com";

let issuer: TestIssuer;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  issuer = await startTestIssuer({ audience: AUDIENCE });
  const config = loadConfig({ AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: AUDIENCE });
  const verifier = createVerifier({ issuer: config.issuer, audience: config.audience });
  server = createApp(verifier).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await issuer.stop();
});

const call = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${baseUrl}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { "content-type": "application/json" } : {}) } });

describe("requireAuth", () => {
  it("gives the caller's identity from the token", async () => {
    const token = await issuer.mint({ sub: "user-ada", name: "Ada Lovelace", email: "ada@example.com" });
    const response = await call("/me", token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "user-ada", email: "ada@example.com", name: "Ada Lovelace", emailVerified: true });
  });

  it("answers 401 with a bare challenge when there is no token", async () => {
    const response = await call("/me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="example-service"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 401, code: "token_missing" });
  });

  it.each([
    ["expired", { exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 960 }, {}, "token_expired"],
    ["for another audience", { aud: "https://other.example.com" }, {}, "token_invalid"],
    ["from another issuer", { iss: "https://evil.example.com" }, {}, "token_invalid"],
    ["without a subject", {}, { omit: ["sub"] }, "token_invalid"],
  ])("refuses a token %s with 401 invalid_token", async (_case, claims, options, code) => {
    const token = await issuer.mint(claims, options);
    const response = await call("/me", token);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="example-service", error="invalid_token", error_description="/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({ code });
  });

  it("refuses a token signed with a key the issuer does not publish", async () => {
    const token = await issuer.mint({}, { key: await issuer.foreignKey() });
    const response = await call("/me", token);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "token_invalid" });
  });

  it("keeps each caller's notes to themselves", async () => {
    const [ada, grace] = await Promise.all([issuer.mint({ sub: "user-ada-notes" }), issuer.mint({ sub: "user-grace-notes" })]);
    const created = await call("/notes", ada, { method: "POST", body: JSON.stringify({ text: "Analytical engine" }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ authorId: "user-ada-notes", text: "Analytical engine" });

    const adas = (await (await call("/notes", ada)).json()) as { items: Array<{ text: string }> };
    const graces = (await (await call("/notes", grace)).json()) as { items: unknown[] };
    expect(adas.items.map((note) => note.text)).toEqual(["Analytical engine"]);
    expect(graces.items).toEqual([]);
  });

  it("refuses an empty note with 422", async () => {
    const response = await call("/notes", await issuer.mint(), { method: "POST", body: JSON.stringify({ text: " " }) });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: "validation_failed" });
  });
});

describe("requireRole", () => {
  it("lets an admin's token through", async () => {
    const response = await call("/stats", await issuer.mint({ role: "admin" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ authors: expect.any(Number), notes: expect.any(Number) });
  });

  it("answers any other role 403 insufficient_scope, with RFC 6750's challenge", async () => {
    for (const role of ["user", "moderator", undefined]) {
      const response = await call("/stats", await issuer.mint({ role }));
      expect(response.status).toBe(403);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="example-service", error="insufficient_scope", error_description="[^"]+"$/);
      expect(await response.json()).toMatchObject({ code: "insufficient_scope" });
    }
  });
});

describe("optionalAuth", () => {
  it("serves an anonymous caller", async () => {
    const response = await call("/hello");
    expect(await response.json()).toEqual({ message: "Hello, stranger." });
  });

  it("greets a signed-in caller by name", async () => {
    const response = await call("/hello", await issuer.mint({ name: "Grace Hopper" }));
    expect(await response.json()).toEqual({ message: "Hello, Grace Hopper." });
  });

  it("still refuses a bad token rather than serving the anonymous view", async () => {
    const response = await call("/hello", await issuer.mint({ exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "token_expired" });
  });
});

describe("configuration", () => {
  it("names every missing or wrong setting in a sentence", () => {
    let message = "";
    try {
      loadConfig({ AUTH_ISSUER: "app.example.com", AUTH_JWKS_URL: "ftp://keys", AUTH_ACCEPT_UNTYPED_TOKENS: "yes", PORT: "http" });
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "The example service's configuration is invalid:",
      "- AUTH_ISSUER must be your Better Auth app's base URL (the tokens' iss), for example https://app.example.com.",
      "- AUTH_AUDIENCE must name this service's audience, as the issuer puts it in the tokens' aud, for example https://api.example.com.",
      "- AUTH_JWKS_URL must be an http:// or https:// URL, for example https://app.example.com/api/auth/jwks.",
      '- AUTH_ACCEPT_UNTYPED_TOKENS must be "true" or "false", but it is "yes".',
      '- PORT must be a whole number from 0 to 65535, but it is "http".',
    ]);
  });
});
