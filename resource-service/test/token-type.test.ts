// Access tokens are typed (typ: at+jwt, RFC 9068), and the resource-service
// accepts nothing else by default. AUTH_ACCEPT_UNTYPED_TOKENS=true is the
// rolling upgrade's bridge: tokens an auth-service issued before it typed them
// keep working until they expire, while other typed JWTs stay refused.
import { configErrorMessage } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { ConfigError, loadConfig } from "../src/config.js";
import { startTestIssuer } from "@authbridge/verifier/testing";
import { AUDIENCE, call, expectProblem, startResourceService, type RunningResourceService, type TestIssuer } from "./helpers.js";

const valid = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/x", AUTH_ISSUER: "https://auth.example.com", AUTH_AUDIENCE: AUDIENCE };

describe("token type", () => {
  let issuer: TestIssuer;
  let strict: RunningResourceService;
  let transitional: RunningResourceService;
  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: AUDIENCE });
    strict = await startResourceService(issuer);
    transitional = await startResourceService(issuer, { AUTH_ACCEPT_UNTYPED_TOKENS: "true" });
  });
  afterAll(async () => {
    await transitional.stop();
    await strict.stop();
    await issuer.stop();
  });

  it("is strict by default: only at+jwt is accepted", async () => {
    expect(loadConfig(valid).auth.acceptUntypedTokens).toBe(false);
    expect((await call(strict, "/api/v1/users/me", { token: await issuer.mint({ sub: "typed" }) })).status).toBe(200);
    for (const typ of [undefined, "logout+jwt", "JWT"]) {
      const response = await call(strict, "/api/v1/users/me", { token: await issuer.mint({ sub: "other" }, { header: { typ } }) });
      await expectProblem(response, 401, "token_invalid");
      expect(response.headers.get("www-authenticate")).toBe(
        `Bearer realm="authbridge", error="invalid_token", error_description="The token is not an access token: its type (typ) must be 'at+jwt'."`,
      );
    }
    expect(strict.logs.some((line) => line.includes("AUTH_ACCEPT_UNTYPED_TOKENS"))).toBe(false);
  });

  it("during a rolling upgrade, keeps accepting tokens issued untyped just before it, and typed ones", async () => {
    const issuedBefore = await issuer.mint({ sub: "before" }, { header: { typ: undefined } });
    const issuedAfter = await issuer.mint({ sub: "after" });
    for (const token of [issuedBefore, issuedAfter]) expect((await call(transitional, "/api/v1/users/me", { token })).status).toBe(200);
    // Only the absence of typ is tolerated: another kind of JWT is still refused.
    await expectProblem(await call(transitional, "/api/v1/users/me", { token: await issuer.mint({}, { header: { typ: "logout+jwt" } }) }), 401, "token_invalid");
    // Said once at start, so the setting is not forgotten.
    expect(transitional.logs.filter((line) => line.includes("AUTH_ACCEPT_UNTYPED_TOKENS is on"))).toHaveLength(1);
  });

  it("refuses a transition setting that is not true or false, with a full sentence", () => {
    expect(loadConfig({ ...valid, AUTH_ACCEPT_UNTYPED_TOKENS: "false" }).auth.acceptUntypedTokens).toBe(false);
    expect(configErrorMessage(() => loadConfig({ ...valid, AUTH_ACCEPT_UNTYPED_TOKENS: "yes" }), ConfigError)).toContain(
      'AUTH_ACCEPT_UNTYPED_TOKENS must be "true" or "false", but it is "yes".',
    );
  });
});
