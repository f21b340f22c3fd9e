// What /api/v1/posts accepts and answers. Request schemas validate input
// (strict: a field a client may not set is refused); response schemas shape
// every answer (http/encode.ts, as z.encode would) and, with the request ones, generate the OpenAPI
// document (src/openapi).
import { z } from "zod";
import { text } from "../http/text.js";
import { pageOf } from "../http/pages.js";
import { timestamp } from "../http/wire.js";

const title = text().trim().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" });
const body = text().min(1, { error: "must not be empty" }).max(20_000, { error: "must be at most 20000 characters" });
const visibility = z
  .enum(["public", "private"], { error: 'must be "public" or "private"' })
  .describe("A public post is visible to everyone; a private one to its author only.");

export const postCreate = z.strictObject({ title, body, visibility: visibility.default("public") }).describe("A new post; `visibility` defaults to public.");

export const postPatch = z
  .strictObject({ title: title.optional(), body: body.optional(), visibility: visibility.optional() })
  .refine((changes) => Object.keys(changes).length > 0, { error: "name at least one of title, body or visibility" })
  .meta({ description: "The fields to change: at least one of title, body and visibility.", minProperties: 1 });

export const postReplace = z.strictObject({ title, body, visibility }).describe("Every field of the post.");

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query parameters of the list; each at most once (validate() refuses a repeated one before this schema sees it). */
export const postListQuery = z.strictObject({
  author: text().min(1).max(255).optional().describe("Only this user's posts (a user id)."),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(DEFAULT_PAGE_SIZE)
    .describe("How many posts per page."),
  cursor: z.uuid({ error: "must be the nextCursor of a previous page" }).optional().describe("The previous page's `nextCursor`."),
});

/** The `:id` of /api/v1/posts/:id. Not validated: an id that is not a UUID names no post (404). */
export const postPath = z.object({ id: z.string().describe("The post's id (a UUID).") });

/** A post, as every route answers it. */
export const post = z
  .object({
    id: z.uuid().describe("A UUIDv7: not guessable, ordered by creation."),
    authorId: z.string().describe("The author's user id (the `sub` of their token)."),
    title: z.string(),
    body: z.string(),
    visibility,
    createdAt: timestamp,
    updatedAt: timestamp,
    hiddenAt: timestamp.nullable().describe("When a moderator hid the post; null unless hidden. Only its author and moderators see a hidden post."),
    hiddenReason: z.string().nullable().describe("The moderator's reason for hiding it; null unless hidden."),
  })
  .describe("A post.");

export const postPage = pageOf(post, {
  items: "Newest first: public posts that are not hidden, the caller's own posts, and for moderators hidden public posts too.",
  page: "One page of posts.",
});

export type PostInput = z.output<typeof postCreate>;
export type PostChanges = z.output<typeof postPatch>;
export type PostListQuery = z.output<typeof postListQuery>;
