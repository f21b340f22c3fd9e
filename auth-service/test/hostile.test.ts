// Hostile input to the auth-service: a clean 4xx problem+json every time,
// never a 5xx or a crash, and no account created.
import { rawRequest, seededBytes, seededRandom } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startAuthService, type RunningAuthService } from "./helpers.js";

describe("hostile input to the auth-service", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService();
  });
  afterAll(() => running.stop());

  const signUp = (body: string | Buffer, contentType = "application/json") =>
    fetch(`${running.url}/api/auth/sign-up/email`, { method: "POST", headers: { "content-type": contentType, origin: running.url }, body });

  async function expectClean(response: Response, label: string): Promise<void> {
    expect({ label, clean4xx: response.status >= 400 && response.status < 500 }).toEqual({ label, clean4xx: true });
    expect(response.headers.get("content-type") ?? "").toMatch(/^application\/problem\+json/);
    await response.body?.cancel();
  }

  it("random bytes as JSON bodies (seed 3), deep nesting, invalid UTF-8, pollution keys", async () => {
    const next = seededRandom(3);
    for (let attempt = 0; attempt < 100; attempt += 1) await expectClean(await signUp(seededBytes(next, 1 + Math.floor(next() * 2_000))), `attempt ${attempt}`);
    await expectClean(await signUp(`${"[".repeat(8_000)}${"]".repeat(8_000)}`), "deep nesting");
    await expectClean(await signUp(Buffer.concat([Buffer.from('{"email":"a@example.com","name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')])), "invalid UTF-8");
    await expectClean(await signUp('{"__proto__":{"polluted":true},"email":"p@example.com"}'), "__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await running.service.db.prisma.user.count()).toBe(0);
  });

  it("a 5 MB body, 64 KB of headers, and a malformed request line", async () => {
    await expectClean(await signUp("x".repeat(5 * 1024 * 1024)), "5 MB");
    const huge = await rawRequest(running.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: ${"a".repeat(64 * 1024)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual(expect.objectContaining({ code: "headers_too_large" }));
    const garbage = await rawRequest(running.url, Buffer.from([0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(garbage.status).toBe(400);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(await running.service.db.prisma.user.count()).toBe(0);
  });
});
