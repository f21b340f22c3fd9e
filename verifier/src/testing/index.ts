// A test issuer that behaves like the auth-service: it serves a discovery
// document and a JWKS over real HTTP on 127.0.0.1, and mints real signed
// tokens in the auth-service's exact shape (header {alg, kid, typ: "at+jwt"}; claims sub,
// email, email_verified, name, sid, role = "user", iat, exp = iat + 900, iss, aud). Use it to
// test your own service's use of requireAuth/optionalAuth.
//
// @example
// const issuer = await startTestIssuer({ audience: "https://api.example.com" });
// const verifier = createVerifier({ issuer: issuer.issuer, audience: "https://api.example.com" });
// const token = await issuer.mint({ sub: "user-1" });
// ...
// await issuer.stop();
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTHeaderParameters, type JWTPayload } from "jose";
import { ACCESS_TOKEN_TYPE } from "../core/verifier.js";

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: SigningKey;
  publicJwk: JWK;
}

export interface MintOptions {
  /**
   * Extra or overriding protected header parameters; undefined removes one.
   * For example `{ typ: undefined }` mints an untyped token (as the
   * auth-service did before it typed its tokens), `{ typ: "logout+jwt" }`
   * another kind of JWT.
   */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the current one (e.g. one that is not published). */
  key?: TestKey;
  /** Claims to leave out entirely. */
  omit?: readonly string[];
}

export interface TestIssuer {
  /** The issuer URL (http://127.0.0.1:<port>), as the token's `iss`. */
  issuer: string;
  jwksUri: string;
  audience: string;
  /** The key new tokens are signed with. */
  currentKey: TestKey;
  /** Mints a token; `claims` override the defaults (undefined values remove a claim). */
  mint(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Creates a key (published at once) and signs with it from now on. */
  rotate(): Promise<TestKey>;
  /** Creates a key that is not published (a "key from another key set"). */
  foreignKey(): Promise<TestKey>;
  /** Removes a key from the JWKS (revocation). */
  unpublish(kid: string): void;
  /** While down, every request answers 503 (the issuer is unreachable). */
  setDown(down: boolean): void;
  /** JWKS requests served so far (discovery excluded). */
  readonly jwksRequests: number;
  stop(): Promise<void>;
}

export interface TestIssuerOptions {
  audience: string;
  algorithm?: "EdDSA" | "ES256" | "RS256" | "PS256" | "ES512";
  /** Cache-Control max-age of the JWKS, in seconds. Default 300. */
  jwksMaxAgeSeconds?: number;
  /** Token lifetime in seconds. Default 900, as the auth-service. */
  expiresInSeconds?: number;
}

async function createKey(alg: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}) });
  const kid = randomBytes(16).toString("base64url");
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export async function startTestIssuer(options: TestIssuerOptions): Promise<TestIssuer> {
  const algorithm = options.algorithm ?? "EdDSA";
  const lifetime = options.expiresInSeconds ?? 900;
  let published: TestKey[] = [await createKey(algorithm)];
  let current = published[0] as TestKey;
  let down = false;
  let jwksRequests = 0;

  const server: Server = createServer((req, res) => {
    if (down) {
      res.writeHead(503).end();
      return;
    }
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/api/auth/jwks`, id_token_signing_alg_values_supported: [algorithm] }));
      return;
    }
    if (req.url === "/api/auth/jwks") {
      jwksRequests += 1;
      res.writeHead(200, { "content-type": "application/json", "cache-control": `public, max-age=${options.jwksMaxAgeSeconds ?? 300}` });
      res.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}/api/auth/jwks`,
    audience: options.audience,
    get currentKey() {
      return current;
    },
    get jwksRequests() {
      return jwksRequests;
    },
    async mint(claims = {}, mintOptions = {}) {
      const key = mintOptions.key ?? current;
      const iat = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        sub: `user-${randomUUID()}`,
        email: "ada@example.com",
        email_verified: true,
        name: "Ada Lovelace",
        sid: `session-${randomUUID()}`,
        role: "user",
        iat,
        exp: iat + lifetime,
        iss: issuer,
        aud: options.audience,
        ...claims,
      };
      for (const name of mintOptions.omit ?? []) delete payload[name];
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE, ...mintOptions.header };
      for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
      return new SignJWT(payload as JWTPayload).setProtectedHeader(header as JWTHeaderParameters).sign(key.privateKey);
    },
    async rotate() {
      current = await createKey(algorithm);
      published = [...published, current];
      return current;
    },
    foreignKey: () => createKey(algorithm),
    unpublish(kid) {
      published = published.filter((key) => key.kid !== kid);
    },
    setDown(value) {
      down = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
