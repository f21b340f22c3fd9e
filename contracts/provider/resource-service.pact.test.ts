// Verifies the resource-service (a real process, on its own PostgreSQL
// database) against the client's contract. Its tokens come from a test issuer
// that signs like the auth-service; provider states mint them and create the
// users and posts each interaction needs, through the real API.
import { startService, type RunningService } from "@authbridge/devstack/testing";
import { startTestIssuer, type TestIssuer } from "@authbridge/verifier/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pactFilesFor, verify } from "./verify.js";

const now = () => Math.floor(Date.now() / 1000);

describe("resource-service honours the client's contract", () => {
  let issuer: TestIssuer;
  let api: RunningService;

  beforeAll(async () => {
    const audience = "https://api.authbridge.test";
    issuer = await startTestIssuer({ audience });
    // Writes need a verified address here, so the contract can pin email_unverified;
    // the test issuer's tokens say email_verified: true unless a state says otherwise.
    api = await startService("resource-service", () => ({ AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: audience, REQUIRE_VERIFIED_EMAIL_FOR_WRITES: "true" }));
  });
  afterAll(async () => {
    await api?.stop();
    await issuer?.stop();
  });

  const alice = () => issuer.mint({ sub: "user-alice", email: "alice@example.com", name: "Alice" });
  const bob = () => issuer.mint({ sub: "user-bob", email: "bob@example.com", name: "Bob" });
  const moderator = () => issuer.mint({ sub: "user-mod", email: "mod@example.com", name: "Mo", role: "moderator" });

  async function createPost(token: string, visibility: "public" | "private"): Promise<string> {
    const response = await fetch(`${api.url}/api/v1/posts`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "Hello", body: "World", visibility }),
    });
    if (response.status !== 201) throw new Error(`could not create a post: ${response.status}`);
    return ((await response.json()) as { id: string }).id;
  }

  function handlers() {
    return {
      "a signed-in user alice": async () => ({ accessToken: await alice() }),
      "a signed-in user carol whose email address is not verified": async () => ({
        accessToken: await issuer.mint({ sub: "user-carol", email: "carol@example.com", name: "Carol", email_verified: false }),
      }),
      "alice has a public post": async () => {
        await createPost(await alice(), "public");
        return {};
      },
      "alice has a public post and bob is signed in": async () => ({ postId: await createPost(await alice(), "public"), accessToken: await bob() }),
      "alice has a public post and a moderator is signed in": async () => ({ postId: await createPost(await alice(), "public"), accessToken: await moderator() }),
      "a moderator hid alice's public post": async () => {
        const postId = await createPost(await alice(), "public");
        const accessToken = await moderator();
        const response = await fetch(`${api.url}/api/v1/moderation/actions`, {
          method: "POST",
          headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
          body: JSON.stringify({ action: "hide", postId, reason: "Advertising" }),
        });
        if (response.status !== 201) throw new Error(`could not hide the post: ${response.status}`);
        return { postId, accessToken };
      },
      "an expired token": async () => ({ expiredToken: await issuer.mint({ sub: "user-alice", iat: now() - 1_000, exp: now() - 100 }) }),
      "a token with a bad signature": async () => {
        const [header, payload] = (await alice()).split(".");
        return { invalidToken: `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}` };
      },
    };
  }

  it("verifies every interaction", () => verify("resource-service", api.url, handlers()));

  describe("the traps that would make a broken verification pass", () => {
    it("a state handler that throws fails the verification, even when the interactions pass", async () => {
      // Pact JS alone lets this verification pass (checked when this test was
      // written): the state is set up, its handler then reports an error.
      const failing = verify("resource-service", api.url, {
        ...handlers(),
        "alice has a public post": async () => {
          await createPost(await alice(), "public");
          throw new Error("the state was set up, then its handler failed");
        },
      });
      await expect(failing).rejects.toThrow();
    });

    it("a provider state without a handler fails it (Pact alone only warns)", async () => {
      const { "alice has a public post": _missing, ...incomplete } = handlers();
      await expect(verify("resource-service", api.url, incomplete)).rejects.toThrow(/without a handler: alice has a public post/);
    });

    it("an empty or missing pact folder fails it, and so does a folder without this provider", () => {
      expect(() => pactFilesFor("resource-service", mkdtempSync(path.join(tmpdir(), "no-pacts-")))).toThrow(/No pact/);
      expect(() => pactFilesFor("resource-service", path.join(tmpdir(), "does-not-exist-pacts"))).toThrow(/no pact folder/);
      expect(() => pactFilesFor("no-such-provider")).toThrow(/No pact/);
    });
  });
});
