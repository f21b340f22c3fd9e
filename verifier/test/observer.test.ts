// The observer hook: every decision reported once, with its reason; cache hits
// and misses; every JWKS refresh with its result, including a 304 to the
// conditional request the key set makes when the JWKS sent an ETag.
import { afterEach, describe, expect, it } from "@jest/globals";
import express from "express";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidRequestError, InvalidTokenError, TokenMissingError, type JwksFetchResult, type VerifierObserver } from "../src/core/index.js";
import { startTestIssuer, type TestIssuer } from "../src/testing/index.js";
import { AUDIENCE, bearer, expectAuthFailure, verifierFor } from "./helpers.js";

/** An observer that writes down what it hears, in order. */
function recording() {
  const events: string[] = [];
  const observer: VerifierObserver = {
    tokenAccepted: (cached) => events.push(cached ? "accepted:cache" : "accepted:verified"),
    tokenRefused: (error) => events.push(`refused:${error.code}:${error.reason}`),
    tokenCacheLookup: (hit) => events.push(hit ? "cache:hit" : "cache:miss"),
    jwksFetch: (result) => events.push(`jwks:${result}`),
  };
  return { events, observer };
}

/** Resolves with the next JWKS fetch result `events` hears. */
function nextFetch(events: string[]): Promise<string> {
  const seen = events.filter((event) => event.startsWith("jwks:")).length;
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const fetches = events.filter((event) => event.startsWith("jwks:"));
      if (fetches.length > seen) {
        clearInterval(poll);
        resolve(fetches[seen] as string);
      }
    }, 5);
  });
}

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe("the verifier's observer", () => {
  let issuer: TestIssuer;
  const servers: Server[] = [];
  afterEach(async () => {
    await issuer?.stop();
    await Promise.all(servers.splice(0).map(close));
  });

  it("hears each decision once: a miss then hits for a remembered token, and every refusal with its reason, the request's own included", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const revoked = new Set<string>();
    const { events, observer } = recording();
    const verifier = verifierFor(issuer, { observer, isRevoked: (principal) => revoked.has(principal.sid ?? "") });
    const token = await issuer.mint({ sid: "session-1" });

    await verifier.verify(token);
    expect(verifier.authenticate(bearer(token))).toEqual(expect.objectContaining({ sid: "session-1" }));
    await verifier.verify(token);
    const now = Math.floor(Date.now() / 1000);
    await expectAuthFailure(verifier.verify(await issuer.mint({ iat: now - 960, exp: now - 60 })), 401, "token_expired", "expired");
    await expectAuthFailure(verifier.verify("not-a-token"), 401, "token_invalid", "malformed");
    await expectAuthFailure(verifier.verify(await issuer.mint({}, { key: await issuer.foreignKey() })), 401, "token_invalid", "unknown_kid");
    revoked.add("session-1");
    expect(() => verifier.authenticate(bearer(token))).toThrow(InvalidTokenError);
    expect(() => verifier.authenticate({ authorization: [] })).toThrow(TokenMissingError);
    // An anonymous request to an optional route is not a decision; a malformed header on one is.
    expect(verifier.authenticate({ authorization: [] }, { optional: true })).toBeUndefined();
    expect(() => verifier.authenticate({ authorization: ["Bearer a b"] }, { optional: true })).toThrow(InvalidRequestError);

    expect(events).toEqual([
      "cache:miss",
      "jwks:ok",
      "accepted:verified",
      "cache:hit",
      "accepted:cache",
      "cache:hit",
      "accepted:cache",
      "cache:miss",
      "refused:token_expired:expired",
      "refused:token_invalid:malformed",
      "cache:miss",
      "refused:token_invalid:unknown_kid",
      "cache:hit",
      "refused:token_invalid:revoked",
      "refused:token_missing:missing",
      "refused:invalid_request:malformed_header",
    ]);
  });

  it("reports a miss once when a token must be checked in full, and nothing after it is removed", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const verifier = verifierFor(issuer);
    const { events, observer } = recording();
    const stop = verifier.observe(observer);
    const token = await issuer.mint();
    await verifier.authenticate(bearer(token));
    expect(events).toEqual(["cache:miss", "jwks:ok", "accepted:verified"]);

    stop();
    await verifier.verify(token);
    await verifier.verify(await issuer.mint());
    expect(events).toHaveLength(3);
  });

  it("refreshes with If-None-Match when the JWKS sent an ETag, and keeps its keys on a 304", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    // Express, as the auth-service serves its JWKS: an ETag from the body, and 304 to a matching revalidation.
    const app = express();
    const requests: Array<string | undefined> = [];
    const answers: number[] = [];
    app.get("/jwks", (req, res) => {
      requests.push(req.headers["if-none-match"]);
      res.on("finish", () => answers.push(res.statusCode));
      res.set("cache-control", "public, max-age=60").type("application/jwk-set+json").send(JSON.stringify({ keys: [issuer.currentKey.publicJwk] }));
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    servers.push(server);
    const jwks = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    let clock = Date.now();
    const { events, observer } = recording();
    const verifier = verifierFor(issuer, { cacheSize: 0, now: () => clock, jwksUri: `${jwks.url}/jwks`, observer });

    await verifier.verify(await issuer.mint());
    for (let refresh = 0; refresh < 2; refresh += 1) {
      clock += 61_000;
      const fetched = nextFetch(events);
      await verifier.verify(await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 }));
      expect(await fetched).toBe("jwks:not_modified");
    }
    const etag = requests[1];
    expect(etag).toMatch(/^W\/"/);
    expect(requests).toEqual([undefined, etag, etag]);
    expect(answers).toEqual([200, 304, 304]);
    expect(verifier.keySet.stats()).toEqual(expect.objectContaining({ fetches: 3, failures: 0, degraded: false, kids: [issuer.currentKey.kid] }));
    // Fresh again after the 304: no request within max-age.
    await verifier.verify(await issuer.mint({ iat: Math.floor(clock / 1000), exp: Math.floor(clock / 1000) + 900 }));
    expect(requests).toHaveLength(3);
  });

  it.each<[JwksFetchResult, (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void]>([
    ["http_error", (_req, res) => res.writeHead(503).end()],
    ["invalid_response", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("<html>")],
    ["invalid_response", (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"no":"keys"}')],
    ["timeout", () => undefined],
  ])("reports a failed fetch as %s", async (result, handler) => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const jwks = await serve(handler);
    servers.push(jwks.server);
    const { events, observer } = recording();
    const verifier = verifierFor(issuer, { jwksUri: `${jwks.url}/jwks`, observer, keys: { fetchTimeoutMs: 200 } });
    await expectAuthFailure(verifier.verify(await issuer.mint()), 503, "auth_unavailable", "keys_unavailable");
    expect(events).toEqual(["cache:miss", `jwks:${result}`, "refused:auth_unavailable:keys_unavailable"]);
  });

  it("reports an unreachable JWKS as network_error, and a discovery that fails as discovery_error", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const gone = await serve(() => undefined);
    await close(gone.server);
    const unreachable = recording();
    const direct = verifierFor(issuer, { jwksUri: `${gone.url}/jwks`, observer: unreachable.observer });
    await expectAuthFailure(direct.verify(await issuer.mint()), 503, "auth_unavailable", "keys_unavailable");
    expect(unreachable.events).toContain("jwks:network_error");

    issuer.setDown(true);
    const undiscovered = recording();
    const discovering = verifierFor(issuer, { observer: undiscovered.observer });
    await expectAuthFailure(discovering.verify(await issuer.mint()), 503, "auth_unavailable", "keys_unavailable");
    expect(undiscovered.events).toContain("jwks:discovery_error");
    expect(discovering.keySet.stats().fetches).toBe(0);
  });

  it("goes on verifying, and refreshing keys, when an observer throws; each part logs the failure once", async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    const warnings: string[] = [];
    const throwing: VerifierObserver = {
      tokenAccepted: () => {
        throw new Error("metrics misconfigured");
      },
      jwksFetch: () => {
        throw new Error("metrics misconfigured");
      },
    };
    const verifier = verifierFor(issuer, { observer: throwing, keys: { cooldownMs: 0 }, logger: { info: () => undefined, warn: (_details, message) => warnings.push(message) } });
    const token = await issuer.mint();
    await expect(verifier.verify(token)).resolves.toEqual(expect.objectContaining({ sub: expect.any(String) }));
    await expect(verifier.verify(token)).resolves.toEqual(expect.objectContaining({ sub: expect.any(String) }));
    // A new key's kid makes the key set refetch: the throwing jwksFetch must not break it.
    await issuer.rotate();
    await expect(verifier.verify(await issuer.mint())).resolves.toEqual(expect.objectContaining({ sub: expect.any(String) }));
    // Once by the verifier (decisions) and once by its key set (fetches), not once per call.
    expect(warnings.filter((message) => message.includes("observer threw"))).toHaveLength(2);
  });
});
