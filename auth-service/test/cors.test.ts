import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { Browser, expectProblem, startAuthService, uniqueEmail, type RunningAuthService } from "./helpers.js";

const APP = "https://app.example.com";
const EVIL = "https://evil.example.net";

describe("CORS and the origin check", () => {
  let running: RunningAuthService;
  beforeAll(async () => {
    running = await startAuthService({ CORS_ORIGINS: `${APP}, http://localhost:3000` });
  });
  afterAll(() => running.stop());

  function preflight(origin: string): Promise<Response> {
    return fetch(`${running.url}/api/auth/sign-in/email`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
  }

  it("allows a configured origin, with credentials", async () => {
    const response = await preflight(APP);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(APP);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toMatch(/origin/i);
  });

  it("gives an unknown origin no CORS headers (never a wildcard, never a reflection)", async () => {
    for (const origin of [EVIL, "null", `${APP}.evil.example.net`]) {
      const response = await preflight(origin);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("lets a configured origin sign in, and refuses a sign-in posted from another origin", async () => {
    const email = uniqueEmail("cors");
    const app = new Browser(running.url, APP);
    expect((await app.signUp(email)).status).toBe(200);
    const allowed = await app.signIn(email);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);

    const refused = await new Browser(running.url, EVIL).signIn(email);
    await expectProblem(refused, 403, "INVALID_ORIGIN");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
