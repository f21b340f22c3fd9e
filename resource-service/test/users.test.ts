import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call, expectProblem, startPair, type Pair } from "./helpers.js";

describe("users", () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.stop());

  const token = (sub: string, claims: Record<string, unknown> = {}) => pair.issuer.mint({ sub, ...claims });

  it("creates the caller's profile from the token on first use, and keeps email and name in step", async () => {
    const first = await call(pair.api, "/api/v1/users/me", { token: await token("u-sync", { email: "old@example.com", name: "Old Name" }) });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual(
      expect.objectContaining({ id: "u-sync", email: "old@example.com", name: "Old Name", handle: null, displayName: null, bio: null }),
    );
    const changed = await call(pair.api, "/api/v1/users/me", { token: await token("u-sync", { email: "new@example.com", name: "New Name" }) });
    expect(await changed.json()).toEqual(expect.objectContaining({ email: "new@example.com", name: "New Name" }));
    const row = await pair.api.service.db.prisma.user.findUnique({ where: { id: "u-sync" } });
    expect(row).toEqual(expect.objectContaining({ email: "new@example.com", name: "New Name" }));
  });

  it("lets the caller change their handle, display name and bio (PATCH and PUT)", async () => {
    const t = await token("u-edit");
    const patched = await call(pair.api, "/api/v1/users/me", { method: "PATCH", token: t, json: { handle: "Ada_L", bio: "Analyst" } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toEqual(expect.objectContaining({ handle: "ada_l", bio: "Analyst", displayName: null }));

    const replaced = await call(pair.api, "/api/v1/users/me", { method: "PUT", token: t, json: { handle: null, displayName: "Ada", bio: null } });
    expect(await replaced.json()).toEqual(expect.objectContaining({ handle: null, displayName: "Ada", bio: null }));
    const incomplete = await call(pair.api, "/api/v1/users/me", { method: "PUT", token: t, json: { displayName: "Ada" } });
    await expectProblem(incomplete, 422, "validation_failed");
  });

  it("refuses fields a user may not set (mass assignment) and invalid values, changing nothing", async () => {
    const t = await token("u-mass", { email: "mass@example.com" });
    await call(pair.api, "/api/v1/users/me", { token: t });
    for (const json of [{ email: "evil@example.com" }, { id: "someone-else" }, { handle: "x" }, { bio: "b".repeat(501) }, { displayName: 42 }]) {
      const response = await call(pair.api, "/api/v1/users/me", { method: "PATCH", token: t, json });
      const body = await expectProblem(response, 422, "validation_failed");
      expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.any(String), message: expect.any(String) })]));
    }
    const row = await pair.api.service.db.prisma.user.findUnique({ where: { id: "u-mass" } });
    expect(row).toEqual(expect.objectContaining({ id: "u-mass", email: "mass@example.com", handle: null, bio: null, displayName: null }));
  });

  it("keeps handles unique: 409 handle_taken", async () => {
    await call(pair.api, "/api/v1/users/me", { method: "PATCH", token: await token("u-h1"), json: { handle: "grace" } });
    const taken = await call(pair.api, "/api/v1/users/me", { method: "PATCH", token: await token("u-h2"), json: { handle: "GRACE" } });
    await expectProblem(taken, 409, "handle_taken");
  });

  it("shows another user's public profile, without their email, to anyone", async () => {
    await call(pair.api, "/api/v1/users/me", { token: await token("u-public", { email: "private@example.com", name: "Public Person" }) });
    for (const viewer of [undefined, await token("u-viewer")]) {
      const response = await call(pair.api, "/api/v1/users/u-public", { token: viewer });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toEqual(expect.objectContaining({ id: "u-public", name: "Public Person" }));
      expect(body).not.toHaveProperty("email");
    }
    await expectProblem(await call(pair.api, "/api/v1/users/nobody-here"), 404, "not_found");
  });
});
