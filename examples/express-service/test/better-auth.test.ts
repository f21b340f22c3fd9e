// The guide's Better Auth configuration (better-auth/auth.ts), run for real:
// a Better Auth app on 127.0.0.1 signs a user up, hands out a token from
// GET /api/auth/token, and the example service accepts it.
import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthError, createVerifier } from "@authbridge/verifier";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";
import { createAuth } from "../better-auth/auth.js";
import { createApp } from "../src/app.js";

const AUDIENCE = "https://notes.example.com";

let authServer: Server;
let apiServer: Server;
let authUrl: string;
let apiUrl: string;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  // The port must be known before Better Auth is configured: it is the issuer.
  authServer = createServer();
  authUrl = await listen(authServer);
  const auth = createAuth({
    baseURL: authUrl,
    secret: randomBytes(32).toString("base64url"),
    apiAudience: AUDIENCE,
    database: memoryAdapter({ user: [], session: [], account: [], verification: [], jwks: [] }),
  });
  authServer.on("request", toNodeHandler(auth));

  // Better Auth's jwt plugin serves no discovery document: name the JWKS. Nor
  // does it type its tokens (no typ: at+jwt), so accept untyped ones.
  const verifier = createVerifier({ issuer: authUrl, audience: AUDIENCE, jwksUri: `${authUrl}/api/auth/jwks`, acceptUntypedTokens: true });
  apiServer = createServer(createApp(verifier));
  apiUrl = await listen(apiServer);
});

afterAll(async () => {
  for (const server of [apiServer, authServer]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

it("accepts a token from the Better Auth app and knows who the caller is", async () => {
  const headers = { "content-type": "application/json", origin: authUrl };
  const signUp = await fetch(`${authUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "Ada Lovelace", email: "ada@example.com", password: "correct horse battery staple" }),
  });
  expect(signUp.status).toBe(200);
  const cookie = signUp.headers
    .getSetCookie()
    .map((value) => value.split(";")[0])
    .join("; ");

  const tokenResponse = await fetch(`${authUrl}/api/auth/token`, { headers: { cookie, origin: authUrl } });
  expect(tokenResponse.status).toBe(200);
  const { token } = (await tokenResponse.json()) as { token: string };

  // The claim set the verifier reads, and nothing of the user row besides.
  const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
  expect(Object.keys(claims).sort()).toEqual(["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sid", "sub"]);
  expect(claims).toMatchObject({ iss: authUrl, aud: AUDIENCE });

  const me = await fetch(`${apiUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual({ id: claims.sub, email: "ada@example.com", name: "Ada Lovelace", emailVerified: false });

  const anonymous = await fetch(`${apiUrl}/me`);
  expect(anonymous.status).toBe(401);

  // Why the example accepts untyped tokens: a verifier left strict refuses Better Auth's.
  expect(JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString())).not.toHaveProperty("typ");
  const strict = createVerifier({ issuer: authUrl, audience: AUDIENCE, jwksUri: `${authUrl}/api/auth/jwks` });
  await expect(strict.verify(token)).rejects.toEqual(expect.objectContaining({ reason: "wrong_type" }));
  await expect(strict.verify(token)).rejects.toBeInstanceOf(AuthError);
});
