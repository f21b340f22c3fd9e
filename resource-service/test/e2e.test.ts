// Both real services over real HTTP: a token the auth-service issues after a
// Better Auth sign-in is accepted by the resource-service, which found the
// keys from the issuer URL alone; with the auth-service stopped, known keys
// keep working and unknown ones are refused; when it returns, all is well.
import { createTestDatabase, forkService, freePort, stopService, type TestDatabase } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { ChildProcess } from "node:child_process";
import { AUDIENCE, call, expectProblem, startResourceService, type RunningResourceService } from "./helpers.js";

const PASSWORD = "correct horse battery staple";

const startAuthService = (env: NodeJS.ProcessEnv): Promise<ChildProcess> => forkService("auth-service", { env });
const stop = (child: ChildProcess) => stopService(child);

describe("auth-service and resource-service together", () => {
  let authDb: TestDatabase;
  let authEnv: NodeJS.ProcessEnv;
  let auth: ChildProcess;
  let authUrl: string;
  let api: RunningResourceService;

  beforeAll(async () => {
    authDb = await createTestDatabase("auth-service");
    const port = await freePort();
    authUrl = `http://127.0.0.1:${port}`;
    authEnv = {
      PATH: process.env.PATH,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: authDb.url,
      BETTER_AUTH_SECRET: "e2e-secret-0123456789-abcdefghijklmnopqrstuv",
      BETTER_AUTH_URL: authUrl,
      JWT_AUDIENCE: AUDIENCE,
      LOG_LEVEL: "warn",
    };
    auth = await startAuthService(authEnv);
    api = await startResourceService({ issuer: authUrl }, { AUTH_JWKS_COOLDOWN_SECONDS: "1" });
  });
  afterAll(async () => {
    await api.stop();
    if (auth.exitCode === null) await stop(auth);
    await authDb.drop();
  });

  async function tokenFor(email: string, name: string): Promise<string> {
    const headers = { "content-type": "application/json", origin: authUrl };
    await fetch(`${authUrl}/api/auth/sign-up/email`, { method: "POST", headers, body: JSON.stringify({ email, name, password: PASSWORD }) });
    const signIn = await fetch(`${authUrl}/api/auth/sign-in/email`, { method: "POST", headers, body: JSON.stringify({ email, password: PASSWORD }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().map((value) => value.split(";")[0]).join("; ");
    const response = await fetch(`${authUrl}/api/auth/token`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  }

  it("accepts a token issued through sign-in, and builds the profile from its claims", async () => {
    const token = await tokenFor("grace@example.com", "Grace Hopper");
    const me = await call(api, "/api/v1/users/me", { token });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual(expect.objectContaining({ email: "grace@example.com", name: "Grace Hopper" }));
    const created = await call(api, "/api/v1/posts", { token, json: { title: "COBOL", body: "Notes" } });
    expect(created.status).toBe(201);
  });

  it("keeps accepting known keys while the auth-service is down, answers unknown kids 503 while it cannot ask (401 once it can), and recovers", async () => {
    const token = await tokenFor("ada@example.com", "Ada Lovelace");
    expect((await call(api, "/api/v1/users/me", { token })).status).toBe(200);
    const [header = "", payload = "", signature = ""] = token.split(".");
    const unknownKid = `${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, "base64url").toString()), kid: "no-such-key" })).toString("base64url")}.${payload}.${signature}`;

    await stop(auth);
    // Past the JWKS cooldown (1 s), the first unknown kid makes the verifier ask the issuer, which does not answer:
    // the kid may be a key created since, so it is 503, never "signed out".
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const fetchesBefore = api.service.verifier.keySet.stats().fetches;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      expect((await call(api, "/api/v1/users/me", { token })).status).toBe(200);
      await expectProblem(await call(api, "/api/v1/users/me", { token: unknownKid }), 503, "auth_unavailable");
    }
    expect(api.service.verifier.keySet.stats().fetches - fetchesBefore).toBeLessThanOrEqual(2);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);

    auth = await startAuthService(authEnv);
    const after = await tokenFor("ada2@example.com", "Ada Again");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expectProblem(await call(api, "/api/v1/users/me", { token: unknownKid }), 401, "token_invalid");
    expect((await call(api, "/api/v1/users/me", { token: after })).status).toBe(200);
    expect(api.service.verifier.keySet.stats().degraded).toBe(false);
  });
});
