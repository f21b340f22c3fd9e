// Verifies the auth-service (a real process on its own PostgreSQL database)
// against both of its consumers: the client (the token endpoint) and the
// resource-service (the claims of a token Better Auth really issues, with its
// protected header's alg, kid and typ as metadata; the JWKS; the discovery document).
import { signedInCookie, startMailCatcher, startService, type MailCatcher, type RunningService } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, it } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { verify } from "./verify.js";

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe("auth-service honours its consumers' contracts", () => {
  let auth: RunningService;
  let catcher: MailCatcher;
  let users = 0;
  const signIn = () => signedInCookie(auth.url, `contract.${process.pid}.${(users += 1)}@example.com`, "Ada Lovelace");

  beforeAll(async () => {
    // Verification mails go to a real SMTP server, whose links the states follow.
    catcher = await startMailCatcher();
    auth = await startService("auth-service", (url) => ({
      SMTP_URL: catcher.smtpUrl,
      MAIL_FROM: "authbridge <no-reply@example.com>",
      BETTER_AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: url,
      JWT_AUDIENCE: "https://api.authbridge.test",
      AUTH_RATE_LIMIT_MAX: "1000",
    }));
  });
  afterAll(async () => {
    await auth?.stop();
    await catcher?.stop();
  });

  /** The access token of a session of `cookie`, split into its header's alg, kid and typ (as Pact metadata) and its claims. */
  async function tokenMessage(cookie: string) {
    const response = await fetch(`${auth.url}/api/auth/token`, { headers: { cookie } });
    if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
    const { token } = (await response.json()) as { token: string };
    const [header = "", payload = ""] = token.split(".");
    const { alg, kid, typ } = decode(header);
    return { __pactMessageMetadata: { alg: String(alg), kid: String(kid), typ: String(typ) }, message: decode(payload) };
  }

  /** Signs a user up and in, and follows the link of the verification mail. */
  async function verifiedCookie(): Promise<string> {
    const email = `verified.${process.pid}.${(users += 1)}@example.com`;
    const cookie = await signedInCookie(auth.url, email, "Ada Lovelace");
    const mail = await catcher.waitFor((candidate) => candidate.to.includes(email) && /verify/i.test(candidate.subject));
    const link = mail.text.match(/https?:\/\/\S+verify-email\S+/)?.[0];
    if (!link) throw new Error("no verification link in the mail");
    const verified = await fetch(link, { redirect: "manual" });
    if (verified.status >= 400) throw new Error(`the verification link answered ${verified.status}`);
    return cookie;
  }

  it("verifies every interaction and message", () =>
    verify(
      "auth-service",
      auth.url,
      {
        "a signed-in user": async () => ({ sessionCookie: await signIn() }),
        // The message provider below signs up, verifies and signs in itself.
        "a signed-in user who verified their email address": async () => ({}),
      },
      {
        messageProviders: {
          "an access token's claims": async () => tokenMessage(await signIn()),
          "the claims of an access token of a verified address": async () => tokenMessage(await verifiedCookie()),
        },
      },
    ));
});
