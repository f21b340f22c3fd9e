// The answers' encoder (src/http/encode.ts) answers exactly what z.encode does,
// for every response schema of the route tables and for kinds it does not
// compile itself; it only skips validating our own results again.
import { describe, expect, it } from "@jest/globals";
import { z } from "zod";
import { encoderOf } from "../src/http/encode.js";
import { moderationRoutes } from "../src/moderation/routes.js";
import { postRoutes } from "../src/posts/routes.js";
import { userRoutes } from "../src/users/routes.js";

const at = (iso: string) => new Date(iso);
const post = (n: number, visibility: "public" | "private" = "public", hidden: { at: Date; reason: string } | null = null) => ({
  id: `0190f3a2-7c4e-7abc-8def-0000000000${String(n).padStart(2, "0")}`,
  authorId: "user-1",
  title: `Title ${n}`,
  body: "Body\u00e9 \u{1F600}",
  visibility,
  createdAt: at("2026-12-06T10:00:00.123Z"),
  updatedAt: at("2026-12-06T11:00:00.000Z"),
  hiddenAt: hidden?.at ?? null,
  hiddenReason: hidden?.reason ?? null,
  // Not declared by the schema: neither encoder may let it through.
  internal: "secret",
});
const hidden = { at: at("2026-12-06T12:00:00.000Z"), reason: "Off topic \u00e9" };
const record = (n: number, action: "hide" | "unhide" | "delete" = "hide") => ({
  id: `0190f3a2-7c4e-7abc-8def-1000000000${String(n).padStart(2, "0")}`,
  action,
  postId: post(n).id,
  postAuthorId: "user-1",
  moderatorId: "user-mod",
  moderatorRole: "moderator",
  reason: "Spam",
  createdAt: at("2026-12-06T12:00:00.000Z"),
  internal: "secret",
});
const profile = (overrides: Record<string, unknown> = {}) => ({
  id: "user-1",
  name: "Ada Lovelace",
  email: "ada@example.com",
  handle: null,
  displayName: "Ada",
  bio: null,
  createdAt: at("2026-01-01T00:00:00.000Z"),
  updatedAt: at("2026-02-01T00:00:00.000Z"),
  ...overrides,
});
const samples: Record<string, unknown[]> = {
  listPosts: [
    { items: [post(1), post(2, "private"), post(6, "public", hidden)], nextCursor: null },
    { items: [], nextCursor: null },
    { items: Array.from({ length: 21 }, (_, n) => post(n)), nextCursor: post(20).id },
  ],
  createPost: [post(3)],
  getPost: [post(4, "private"), post(7, "public", hidden)],
  updatePost: [post(5)],
  replacePost: [post(5)],
  getMe: [profile(), profile({ handle: "ada", bio: "Engines." })],
  updateMe: [profile()],
  replaceMe: [profile()],
  getUser: [profile(), profile({ handle: "ada" })],
  moderatePost: [record(1), record(2, "delete")],
  listModerationActions: [{ items: [record(3), record(4, "unhide")], nextCursor: null }, { items: [], nextCursor: null }],
};

describe("the answers' encoder", () => {
  const operations = [...postRoutes.operations, ...userRoutes.operations, ...moderationRoutes.operations].filter((operation) => operation.success.schema);

  it("has samples for every operation that answers with a body", () => {
    expect(operations.map((operation) => operation.operationId).filter((id) => !samples[id])).toEqual([]);
  });

  it.each(operations.map((operation) => [operation.operationId, operation] as const))("answers %s exactly as z.encode does", (operationId, operation) => {
    const schema = operation.success.schema as z.ZodType;
    const encode = encoderOf(schema);
    for (const value of samples[operationId] ?? []) {
      const fast = encode(value);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(z.encode(schema, value as never)));
      expect(JSON.stringify(fast)).not.toMatch(/secret|internal/);
    }
  });

  it("never lets a public profile carry the email, the way z.encode strips it", () => {
    const getUser = userRoutes.operations.find((operation) => operation.operationId === "getUser");
    const encoded = encoderOf(getUser?.success.schema as z.ZodType)(profile()) as Record<string, unknown>;
    expect(encoded).not.toHaveProperty("email");
    expect(encoded).not.toHaveProperty("updatedAt");
  });

  it("leaves the kinds it does not compile to z.encode, with its answers and its refusals", () => {
    const schema = z.object({ either: z.union([z.string(), z.number()]), when: z.date().transform((date) => date.getTime()).optional() });
    const encode = encoderOf(schema);
    expect(encode({ either: 1 })).toEqual(z.encode(schema, { either: 1 } as never));
    expect(() => encode({ either: true })).toThrow();
  });
});
