// Hostile input, everywhere: whatever arrives, the answer is a clean 4xx
// problem+json, never a 5xx, never a crash, and nothing is written.
// Random input comes from a seeded generator, so a failure can be replayed.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { rawRequest, seededBytes, seededRandom } from "@authbridge/devstack/testing";
import http from "node:http";
import { call, startPair, type Pair } from "./helpers.js";

function expectClean4xx(status: number, contentType: string | null | undefined, label: string): void {
  expect({ label, ok: status >= 400 && status < 500 }).toEqual({ label, ok: true });
  expect(contentType ?? "").toMatch(/^application\/problem\+json/);
}

describe("hostile input to the resource-service", () => {
  let pair: Pair;
  let token: string;
  beforeAll(async () => {
    pair = await startPair();
    token = await pair.issuer.mint({ sub: "target-user" });
    expect((await call(pair.api, "/api/v1/users/me", { token })).status).toBe(200);
  });
  afterAll(() => pair.stop());

  async function nothingWritten(): Promise<void> {
    expect(await pair.api.service.db.prisma.post.count()).toBe(0);
    expect(await pair.api.service.db.prisma.user.count()).toBe(1);
    expect((await fetch(`${pair.api.url}/healthz`)).status).toBe(200);
  }

  it("random bytes as tokens (seed 1), through the raw socket", async () => {
    const next = seededRandom(1);
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const bytes = seededBytes(next, 1 + Math.floor(next() * 300));
      const request = Buffer.concat([Buffer.from("GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "), bytes, Buffer.from("\r\nConnection: close\r\n\r\n")]);
      const { status, body } = await rawRequest(pair.api.url, request);
      expect({ attempt, status: status >= 400 && status < 500 }).toEqual({ attempt, status: true });
      expect(body).toMatch(/"code":"[a-z_]+"/);
    }
    await nothingWritten();
  });

  it("random bytes as JSON bodies (seed 2)", async () => {
    const next = seededRandom(2);
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const body = seededBytes(next, 1 + Math.floor(next() * 2_000));
      const response = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expectClean4xx(response.status, response.headers.get("content-type"), `attempt ${attempt}`);
    }
    await nothingWritten();
  });

  it("deep nesting, invalid UTF-8 and prototype-pollution keys", async () => {
    const bodies: Array<[string, string | Buffer]> = [
      ["deep arrays", `${"[".repeat(30_000)}${"]".repeat(30_000)}`],
      ["deep objects", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`],
      ["invalid UTF-8", Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('","body":"b"}')])],
      ["__proto__", '{"title":"t","body":"b","__proto__":{"polluted":true}}'],
      ["constructor.prototype", '{"title":"t","body":"b","constructor":{"prototype":{"polluted":true}}}'],
      ["a JSON string, not an object", '"just a string"'],
    ];
    for (const [label, body] of bodies) {
      const response = await fetch(`${pair.api.url}/api/v1/posts`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
      expectClean4xx(response.status, response.headers.get("content-type"), label);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const query of ["?__proto__[polluted]=1", "?constructor[prototype][polluted]=1", "?limit=1&limit=2", "?author[$ne]=x"]) {
      const response = await fetch(`${pair.api.url}/api/v1/posts${query}`);
      expectClean4xx(response.status, response.headers.get("content-type"), query);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await nothingWritten();
  });

  it("a 5 MB body and 64 KB of headers", async () => {
    const status = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const request = http.request(`${pair.api.url}/api/v1/posts`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": 5 * 1024 * 1024 },
      });
      request.once("response", (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"] });
        request.destroy();
      });
      request.once("error", reject);
      request.write("x".repeat(64 * 1024));
    });
    expectClean4xx(status.status, status.type, "5 MB body");

    const huge = await rawRequest(pair.api.url, `GET /api/v1/posts HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(64 * 1024)}\r\nConnection: close\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual(expect.objectContaining({ status: 431, code: "headers_too_large" }));
    await nothingWritten();
  });
});
