import { z } from "zod";

const title = z.string().trim().min(1, { error: "must not be empty" }).max(200, { error: "must be at most 200 characters" });
const body = z.string().min(1, { error: "must not be empty" }).max(20_000, { error: "must be at most 20000 characters" });
const visibility = z.enum(["public", "private"], { error: 'must be "public" or "private"' });

export const postCreate = z.strictObject({ title, body, visibility: visibility.default("public") });

export const postPatch = z
  .strictObject({ title: title.optional(), body: body.optional(), visibility: visibility.optional() })
  .refine((changes) => Object.keys(changes).length > 0, { error: "name at least one of title, body or visibility" });

export const postReplace = z.strictObject({ title, body, visibility });

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Query parameters of the list; each must appear at most once (a repeated one is an array, and refused). */
export const postListQuery = z.strictObject({
  author: z.string().min(1).max(255).optional(),
  limit: z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
    .default(DEFAULT_PAGE_SIZE),
  cursor: z.uuid({ error: "must be the nextCursor of a previous page" }).optional(),
});

export type PostInput = z.output<typeof postCreate>;
export type PostChanges = z.output<typeof postPatch>;
export type PostListQuery = z.output<typeof postListQuery>;
