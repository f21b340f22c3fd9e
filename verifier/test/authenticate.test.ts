// authenticate(source): from a request's token sources to its caller, without
// any web framework. A remembered token is answered synchronously; refusals
// that need no I/O are thrown at once; the rest goes through a promise.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AuthError,
  authErrorResponse,
  InvalidRequestError,
  InvalidTokenError,
  TokenMissingError,
  tokenSourceFromRawHeaders,
  type Principal,
  type Verifier,
} from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, bearer, verifierFor } from "./helpers.js";

describe("authenticate", () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
  });
  afterAll(() => issuer.stop());

  it("answers a token it has not seen through a promise, and the same token afterwards synchronously, with the same principal", async () => {
    const verifier = verifierFor(issuer);
    const token = await issuer.mint({ sub: "user-1" });
    const first = verifier.authenticate(bearer(token));
    expect(first).toBeInstanceOf(Promise);
    const principal = await first;
    expect(principal).toEqual(expect.objectContaining({ sub: "user-1" }));
    const again = verifier.authenticate(bearer(token));
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toBe(principal);
  });

  it("throws at once, with no key fetched, for what it can refuse without I/O", async () => {
    const verifier = verifierFor(issuer, { cacheSize: 0 });
    const token = await issuer.mint();
    const before = issuer.jwksRequests;
    expect(() => verifier.authenticate({ authorization: [] })).toThrow(TokenMissingError);
    expect(() => verifier.authenticate({ authorization: ["Bearer a b"] })).toThrow(InvalidRequestError);
    expect(() => verifier.authenticate({ ...bearer(token), queryToken: true })).toThrow(InvalidRequestError);
    expect(() => verifier.authenticate(bearer("a.b"))).toThrow(InvalidTokenError);
    expect(issuer.jwksRequests).toBe(before);
  });

  it("rejects the promise for a token refused after a signature check", async () => {
    const verifier = verifierFor(issuer);
    const refused = verifier.authenticate(bearer(await issuer.mint({ aud: "https://elsewhere.example.com" })));
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toMatchObject({ code: "token_invalid", reason: "wrong_audience" });
  });

  it("when optional, takes no credentials (or another scheme) as an anonymous caller, and still refuses a bad token", async () => {
    const verifier = verifierFor(issuer);
    expect(verifier.authenticate({ authorization: [] }, { optional: true })).toBeUndefined();
    expect(verifier.authenticate({ authorization: ["Basic dXNlcjpwYXNz"] }, { optional: true })).toBeUndefined();
    expect(() => verifier.authenticate({ authorization: ["Bearer"] }, { optional: true })).toThrow(InvalidRequestError);
    expect(() => verifier.authenticate({ authorization: [], queryToken: true }, { optional: true })).toThrow(InvalidRequestError);
    await expect(verifier.authenticate(bearer(`${await issuer.mint()}x`), { optional: true })).rejects.toMatchObject({ code: "token_invalid" });
    await expect(verifier.authenticate(bearer(await issuer.mint({ sub: "user-2" })), { optional: true })).resolves.toEqual(expect.objectContaining({ sub: "user-2" }));
  });

  describe("behind a bare node:http server, the way any framework's adapter would use it", () => {
    let verifier: Verifier;
    let server: Server;
    let url: string;

    /** The whole adapter: token sources in, principal or problem out. */
    async function handle(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse): Promise<void> {
      let principal: Principal;
      try {
        principal = await verifier.authenticate(tokenSourceFromRawHeaders(req.rawHeaders, req.url ?? "/"));
      } catch (error: unknown) {
        if (!(error instanceof AuthError)) throw error;
        const { status, headers, body } = authErrorResponse(error, "bare");
        res.writeHead(status, { ...headers, "content-type": "application/problem+json" }).end(JSON.stringify(body));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ sub: principal.sub }));
    }

    beforeAll(async () => {
      verifier = verifierFor(issuer);
      server = createServer((req, res) => void handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** A GET with these raw headers (repeats kept), answered as status, WWW-Authenticate and body. */
    function get(path: string, headers: Array<[string, string]>): Promise<{ status: number; challenge: string | undefined; body: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const request = httpRequest(`${url}${path}`);
        for (const [name, value] of headers) request.appendHeader(name, value);
        request.once("response", (response) => {
          let text = "";
          response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
          response.once("end", () => resolve({ status: response.statusCode ?? 0, challenge: response.headers["www-authenticate"], body: JSON.parse(text) as Record<string, unknown> }));
        });
        request.once("error", reject);
        request.end();
      });
    }

    it("answers a good token with its caller, and every refusal with its status, challenge and code", async () => {
      const token = await issuer.mint({ sub: "user-bare" });
      expect(await get("/", [["authorization", `Bearer ${token}`]])).toEqual({ status: 200, challenge: undefined, body: { sub: "user-bare" } });
      expect(await get("/", [])).toEqual(expect.objectContaining({ status: 401, challenge: 'Bearer realm="bare"', body: expect.objectContaining({ code: "token_missing" }) }));
      const twice = await get("/", [["authorization", `Bearer ${token}`], ["Authorization", `Bearer ${token}`]]);
      expect({ status: twice.status, code: twice.body.code }).toEqual({ status: 400, code: "invalid_request" });
      expect(twice.challenge).toMatch(/^Bearer realm="bare", error="invalid_request", error_description="[^"]+"$/);
      const inQuery = await get(`/?access_token=${token}`, []);
      expect({ status: inQuery.status, code: inQuery.body.code }).toEqual({ status: 400, code: "invalid_request" });
    });
  });
});
