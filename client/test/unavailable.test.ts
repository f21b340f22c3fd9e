// A 503 from the auth-service's token endpoint (its database or session store
// cannot answer) is a temporary failure to retry, never "signed out": the
// client throws ServiceUnavailableError (retryable, with Retry-After), an
// optional-auth call does not quietly go on as anonymous, and the next call
// succeeds once the service answers again. Against a real HTTP server that
// answers as the auth-service does during a database stall.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiClient, AuthenticationError, ServiceUnavailableError, TokenSource } from "../src/index.js";

/** A JWT-shaped token that expires in an hour (the client only reads `exp`). */
const token = `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url")}.sig`;

describe("a 503 from the token endpoint", () => {
  let server: Server;
  let url: string;
  let mode: "unavailable" | "ok" | "signed-out" = "unavailable";
  const apiCalls: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/api/auth/token") {
        if (mode === "unavailable") {
          res.writeHead(503, { "content-type": "application/problem+json", "retry-after": "5", "cache-control": "no-store" });
          res.end(JSON.stringify({ type: "urn:authbridge:problem:database_unavailable", title: "Service Unavailable", status: 503, detail: "The database is unreachable; try again shortly.", code: "database_unavailable" }));
        } else if (mode === "signed-out") {
          res.writeHead(401, { "content-type": "application/problem+json" });
          res.end(JSON.stringify({ status: 401, code: "UNAUTHORIZED", detail: "Unauthorized" }));
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ token }));
        }
        return;
      }
      apiCalls.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "p1" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("is a retryable ServiceUnavailableError with Retry-After, never an AuthenticationError", async () => {
    mode = "unavailable";
    const tokens = new TokenSource({ authUrl: url, fetch });
    const error = await tokens.get().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect({ code: (error as ServiceUnavailableError).code, retryable: (error as ServiceUnavailableError).retryable, retryAfter: (error as ServiceUnavailableError).retryAfterSeconds }).toEqual({
      code: "database_unavailable",
      retryable: true,
      retryAfter: 5,
    });
  });

  it("does not turn an optional-auth call into an anonymous one, and the same client works once the service answers", async () => {
    mode = "unavailable";
    const client = new ApiClient({ apiUrl: url, authUrl: url, fetch });
    await expect(client.posts.get("p1")).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(apiCalls).toEqual([]);
    mode = "ok";
    await expect(client.posts.get("p1")).resolves.toEqual({ id: "p1" });
    expect(apiCalls).toEqual([`Bearer ${token}`]);
  });

  it("while a 401 from it is the end of the session: an AuthenticationError, not retryable", async () => {
    mode = "signed-out";
    const error = await new TokenSource({ authUrl: url, fetch }).get().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).retryable).toBe(false);
  });
});
