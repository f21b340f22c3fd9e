// What /api/v1/moderation/actions accepts and answers.
import { z } from "zod";
import { text } from "../http/text.js";
import { pageOf } from "../http/pages.js";
import { timestamp } from "../http/wire.js";

const action = z
  .enum(["hide", "unhide", "delete"], { error: 'must be "hide", "unhide" or "delete"' })
  .describe("hide: only the author and moderators see the post; unhide: it is visible again as before; delete: it is gone.");

export const moderationCreate = z
  .strictObject({
    action,
    postId: z.uuid({ error: "must be a post's id" }).describe("The post acted on."),
    reason: text().trim().min(1, { error: "must not be empty" }).max(500, { error: "must be at most 500 characters" }).describe("Why: recorded, and shown to the author of a hidden post."),
  })
  .describe("A moderation action to take (and record).");

export const MAX_PAGE_SIZE = 100;

export const moderationListQuery = z.strictObject({
  postId: z.uuid({ error: "must be a post's id" }).optional().describe("Only the actions on this post."),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(20)
    .describe("How many records per page."),
  cursor: z.uuid({ error: "must be the nextCursor of a previous page" }).optional().describe("The previous page's `nextCursor`."),
});

export const moderationRecord = z
  .object({
    id: z.uuid().describe("A UUIDv7, ordered by creation."),
    action,
    postId: z.uuid(),
    postAuthorId: z.string().describe("The post's author when the action was taken."),
    moderatorId: z.string().describe("Who acted (the `sub` of their token)."),
    moderatorRole: z.string().describe("Their role when they acted."),
    reason: z.string(),
    createdAt: timestamp,
  })
  .describe("One moderation action: who did what to which post, when and why.");

export const moderationPage = pageOf(moderationRecord, { items: "Newest first.", page: "One page of moderation records." });

export type ModerationInput = z.output<typeof moderationCreate>;
export type ModerationListQuery = z.output<typeof moderationListQuery>;
export type ModerationRecord = z.output<typeof moderationRecord>;
