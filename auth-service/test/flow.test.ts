import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { ACCESS_TOKEN_CLAIMS } from "../src/auth/claims.js";
import { AUDIENCE, Browser, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

describe("sign-up, sign-in, tokens, JWKS and discovery", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService();
  });
  afterAll(() => running.stop());

  async function signedInBrowser(name = "Ada Lovelace") {
    const browser = new Browser(running.url);
    const email = uniqueEmail("ada");
    expect((await browser.signUp(email, undefined, name)).status).toBe(200);
    const signIn = await browser.signIn(email);
    expect(signIn.status).toBe(200);
    return { browser, email };
  }

  it("issues an EdDSA access token (typ at+jwt) with exactly the documented header and claims, verifiable through discovery and the JWKS", async () => {
    const { browser, email } = await signedInBrowser();

    const session = await browser.request("/api/auth/get-session");
    expect(session.status).toBe(200);
    const sessionBody = (await session.json()) as { session: { id: string }; user: { id: string } };
    const headerToken = session.headers.get("set-auth-jwt");
    expect(headerToken).toEqual(expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/));

    const tokenResponse = await browser.request("/api/auth/token");
    expect(tokenResponse.status).toBe(200);
    expect(tokenResponse.headers.get("cache-control")).toBe("no-store");
    const { token } = (await tokenResponse.json()) as { token: string };

    const discovery = await fetch(`${running.url}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const metadata = (await discovery.json()) as { issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] };
    expect(metadata).toEqual(
      expect.objectContaining({
        issuer: running.url,
        jwks_uri: `${running.url}/api/auth/jwks`,
        id_token_signing_alg_values_supported: ["EdDSA"],
      }),
    );

    const jwksResponse = await fetch(metadata.jwks_uri);
    expect(jwksResponse.headers.get("cache-control")).toBe("public, max-age=300");
    const jwks = (await jwksResponse.json()) as { keys: Array<{ kid: string; alg: string; kty: string; crv: string; d?: string }> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key.d).toBeUndefined();

    for (const candidate of [token, headerToken as string]) {
      const header = decodeProtectedHeader(candidate);
      expect(header).toEqual({ alg: "EdDSA", kid: expect.any(String), typ: "at+jwt" });
      expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);

      const { payload } = await jwtVerify(candidate, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
        typ: "at+jwt",
        algorithms: ["EdDSA"],
        issuer: metadata.issuer,
        audience: AUDIENCE,
        requiredClaims: ["exp", "iat", "sub"],
      });
      expect(Object.keys(payload).sort()).toEqual([...ACCESS_TOKEN_CLAIMS]);
      expect(payload).toEqual({
        sub: sessionBody.user.id,
        email,
        email_verified: false,
        name: "Ada Lovelace",
        sid: sessionBody.session.id,
        role: "user",
        iss: running.url,
        aud: AUDIENCE,
        iat: expect.any(Number),
        exp: expect.any(Number),
      });
      expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    }
  });

  it("honours a configured lifetime, audience list and algorithm", async () => {
    const custom = await startAuthService({
      JWT_EXPIRES_IN_SECONDS: "120",
      JWT_AUDIENCE: "https://api.one.example, https://api.two.example",
      JWT_ALGORITHM: "ES256",
    });
    try {
      const browser = new Browser(custom.url);
      const email = uniqueEmail("es");
      await browser.signUp(email);
      await browser.signIn(email);
      const { token } = (await (await browser.request("/api/auth/token")).json()) as { token: string };
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${custom.url}/api/auth/jwks`)), {
        algorithms: ["ES256"],
        issuer: custom.url,
        audience: "https://api.two.example",
      });
      expect(protectedHeader).toEqual({ alg: "ES256", kid: expect.any(String), typ: "at+jwt" });
      expect(payload.aud).toEqual(["https://api.one.example", "https://api.two.example"]);
      expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    } finally {
      await custom.stop();
    }
  });

  it("ends the session on sign-out: no more tokens for that cookie", async () => {
    const { browser } = await signedInBrowser();
    const cookieBefore = browser.cookieHeader;
    expect((await browser.request("/api/auth/token")).status).toBe(200);

    const signOut = await browser.request("/api/auth/sign-out", { method: "POST", json: {} });
    expect(signOut.status).toBe(200);

    const replay = await fetch(`${running.url}/api/auth/token`, { headers: { cookie: cookieBefore } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("with SESSION_COOKIE_CACHE_SECONDS on, a signed-out cookie still mints tokens until the cache expires (the documented trade-off)", async () => {
    const cached = await startAuthService({ SESSION_COOKIE_CACHE_SECONDS: "60" });
    try {
      const browser = new Browser(cached.url);
      const email = uniqueEmail("cache");
      await browser.signUp(email);
      await browser.signIn(email);
      const cookieBefore = browser.cookieHeader;
      expect(cookieBefore).toContain("session_data=");
      expect((await browser.request("/api/auth/sign-out", { method: "POST", json: {} })).status).toBe(200);
      expect((await fetch(`${cached.url}/api/auth/token`, { headers: { cookie: cookieBefore } })).status).toBe(200);
      expect((await browser.request("/api/auth/token")).status).toBe(401);
    } finally {
      await cached.stop();
    }
  });

  it("answers a token request without a session with 401 problem+json", async () => {
    const response = await fetch(`${running.url}/api/auth/token`);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toEqual(
      expect.objectContaining({ status: 401, code: "UNAUTHORIZED", type: "urn:authbridge:problem:unauthorized", title: "Unauthorized" }),
    );
  });
});
