import { z } from "zod";

const handle = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,30}$/, { error: "must be 3 to 30 letters, digits or underscores" })
  .transform((value) => value.toLowerCase());
const displayName = z.string().trim().min(1, { error: "must not be empty" }).max(80, { error: "must be at most 80 characters" });
const bio = z.string().max(500, { error: "must be at most 500 characters" });

/** PATCH: any of the fields a user may change; null clears one. */
export const profilePatch = z.strictObject({
  handle: handle.nullable().optional(),
  displayName: displayName.nullable().optional(),
  bio: bio.nullable().optional(),
});

/** PUT: every field a user may change, null for none. */
export const profileReplace = z.strictObject({
  handle: handle.nullable(),
  displayName: displayName.nullable(),
  bio: bio.nullable(),
});

export type ProfileChanges = z.output<typeof profilePatch>;
