// Verifies the auth-service (a real process on its own PostgreSQL database)
// against both of its consumers: the client (the token endpoint) and the
// resource-service (the claims of a token Better Auth really issues, with its
// protected header's alg, kid and typ as metadata; the JWKS; the discovery document).
import { signedInCookie, startService, type RunningService } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { verify } from "./verify.js";

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe("auth-service honours its consumers' contracts", () => {
  let auth: RunningService;
  let users = 0;
  const signIn = () => signedInCookie(auth.url, `contract.${process.pid}.${(users += 1)}@example.com`, "Ada Lovelace");

  beforeAll(async () => {
    auth = await startService("auth-service", (url) => ({
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: url,
      JWT_AUDIENCE: "https://api.authbridge.test",
      AUTH_RATE_LIMIT_MAX: "1000",
    }));
  });
  afterAll(() => auth?.stop());

  it("verifies every interaction and message", () =>
    verify(
      "auth-service",
      auth.url,
      {
        "a signed-in user": async () => ({ sessionCookie: await signIn() }),
      },
      {
        messageProviders: {
          "an access token's claims": async () => {
            const cookie = await signIn();
            const response = await fetch(`${auth.url}/api/auth/token`, { headers: { cookie } });
            if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
            const { token } = (await response.json()) as { token: string };
            const [header = "", payload = ""] = token.split(".");
            const { alg, kid, typ } = decode(header);
            return { __pactMessageMetadata: { alg: String(alg), kid: String(kid), typ: String(typ) }, message: decode(payload) };
          },
        },
      },
    ));
});
