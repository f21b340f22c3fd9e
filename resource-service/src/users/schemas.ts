// What /api/v1/users accepts and answers. Request schemas validate input
// (strict: a field a client may not set is refused); response schemas shape
// every answer (http/encode.ts, as z.encode would) and, with the request ones, generate the OpenAPI
// document (src/openapi).
import { z } from "zod";
import { text } from "../http/text.js";
import { timestamp } from "../http/wire.js";

const handle = text()
  .regex(/^[A-Za-z0-9_]{3,30}$/, { error: "must be 3 to 30 letters, digits or underscores" })
  .transform((value) => value.toLowerCase())
  .describe("Unique; 3 to 30 letters, digits or underscores, stored in lower case.");
const displayName = text().trim().min(1, { error: "must not be empty" }).max(80, { error: "must be at most 80 characters" });
const bio = text().max(500, { error: "must be at most 500 characters" });

/** PATCH: any of the fields a user may change; null clears one. */
export const profilePatch = z
  .strictObject({
    handle: handle.nullable().optional(),
    displayName: displayName.nullable().optional(),
    bio: bio.nullable().optional(),
  })
  .describe("The fields to change; null clears one.");

/** PUT: every field a user may change, null for none. */
export const profileReplace = z
  .strictObject({
    handle: handle.nullable(),
    displayName: displayName.nullable(),
    bio: bio.nullable(),
  })
  .describe("Every field a user may change; null for none.");

/** The `:id` of /api/v1/users/:id. */
export const userPath = z.object({ id: z.string().describe("The user's id (the `sub` of their tokens).") });

/** What anyone may see of a user: never the email. */
export const publicProfile = z
  .object({
    id: z.string().describe("The user's id (the `sub` of their tokens)."),
    name: z.string().describe("From the token's `name` claim."),
    handle: z.string().nullable(),
    displayName: z.string().nullable(),
    bio: z.string().nullable(),
    createdAt: timestamp,
  })
  .describe("A user's public profile.");

/** The caller's own profile: the public one plus the email, kept in step with the token's claims. */
export const ownProfile = publicProfile
  .extend({
    email: z.string().describe("From the token's `email` claim."),
    updatedAt: timestamp,
  })
  .describe("The caller's own profile.");

export type ProfileChanges = z.output<typeof profilePatch>;
