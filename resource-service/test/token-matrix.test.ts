// The whole token matrix over HTTP: every way a token can be wrong, with the
// status, the WWW-Authenticate challenge and the problem code it gets.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHmac } from "node:crypto";
import { SignJWT } from "jose";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

describe("the token matrix, over HTTP", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.stop());

  const cases: Array<[string, (pair: Pair) => Promise<string>, string]> = [
    ["expired", (p) => p.issuer.mint({ exp: now() - 60, iat: now() - 960 }), "token_expired"],
    ["not yet valid", (p) => p.issuer.mint({ nbf: now() + 300 }), "token_invalid"],
    ["issued in the future", (p) => p.issuer.mint({ iat: now() + 300, exp: now() + 1200 }), "token_invalid"],
    ["from another issuer", (p) => p.issuer.mint({ iss: "https://evil.example.net" }), "token_invalid"],
    ["for another audience", (p) => p.issuer.mint({ aud: "https://elsewhere.example.com" }), "token_invalid"],
    ["with sub not a string", (p) => p.issuer.mint({ sub: 12345 }), "token_invalid"],
    ["without exp", (p) => p.issuer.mint({}, { omit: ["exp"] }), "token_invalid"],
    ["with an unknown kid", async (p) => p.issuer.mint({}, { key: await p.issuer.foreignKey() }), "token_invalid"],
    ["signed by a key from another key set", async (p) => p.issuer.mint({}, { key: await p.issuer.foreignKey(), header: { kid: p.issuer.currentKey.kid } }), "token_invalid"],
    ["with an embedded jwk", (p) => p.issuer.mint({}, { header: { jwk: p.issuer.currentKey.publicJwk } }), "token_invalid"],
    ["with a jku", (p) => p.issuer.mint({}, { header: { jku: "https://evil.example.net/jwks" } }), "token_invalid"],
    ["oversize", (p) => p.issuer.mint({ name: "x".repeat(5000) }), "token_invalid"],
    [
      "with alg none",
      async (p) => `${b64url({ alg: "none", kid: p.issuer.currentKey.kid })}.${b64url({ sub: "u", iss: p.issuer.issuer, aud: p.issuer.audience, iat: now(), exp: now() + 900 })}.`,
      "token_invalid",
    ],
    [
      "HMAC-signed with the public key",
      async (p) => {
        const signingInput = `${b64url({ alg: "HS256", kid: p.issuer.currentKey.kid })}.${b64url({ sub: "u", iss: p.issuer.issuer, aud: p.issuer.audience, iat: now(), exp: now() + 900 })}`;
        return `${signingInput}.${createHmac("sha256", JSON.stringify(p.issuer.currentKey.publicJwk)).update(signingInput).digest("base64url")}`;
      },
      "token_invalid",
    ],
    [
      "with a tampered payload",
      async (p) => {
        const [header, , signature] = (await p.issuer.mint({ sub: "user-1" })).split(".");
        return `${header}.${b64url({ sub: "admin", iss: p.issuer.issuer, aud: p.issuer.audience, iat: now(), exp: now() + 900 })}.${signature}`;
      },
      "token_invalid",
    ],
    ["with the signature stripped", async (p) => `${(await p.issuer.mint()).split(".").slice(0, 2).join(".")}.`, "token_invalid"],
    [
      "signed with a non-allowed algorithm (ES256)",
      async (p) => {
        const key = await p.issuer.foreignKey();
        return new SignJWT({ sub: "u", iss: p.issuer.issuer, aud: p.issuer.audience, iat: now(), exp: now() + 900 })
          .setProtectedHeader({ alg: "EdDSA", kid: p.issuer.currentKey.kid })
          .sign(key.privateKey)
          .then((token) => token.replace(/^[^.]+/, b64url({ alg: "ES256", kid: p.issuer.currentKey.kid })));
      },
      "token_invalid",
    ],
  ];

  it.each(cases)("a token %s gets 401 with error=\"invalid_token\"", async (_label, make, code) => {
    for (const path of ["/api/v1/users/me", "/api/v1/posts"]) {
      const response = await call(pair.api, path, { token: await make(pair) });
      await expectProblem(response, 401, code);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="authbridge", error="invalid_token", error_description="[^"]+"$/);
    }
  });

  it("writes nothing for a refused token", async () => {
    const before = await pair.api.service.db.prisma.post.count();
    const token = await pair.issuer.mint({ exp: now() - 60, iat: now() - 960 });
    await call(pair.api, "/api/v1/posts", { token, json: { title: "t", body: "b" } });
    expect(await pair.api.service.db.prisma.post.count()).toBe(before);
    expect(await pair.api.service.db.prisma.user.count()).toBe(0);
  });
});
