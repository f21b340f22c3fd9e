// Who may see and change a post. This is the one place it is decided, in
// TypeScript (canRead, for a post in hand) and in SQL (visibleToSql, for the
// list's prepared statements); test/moderation.test.ts checks that both agree.
//
//   public post   anyone may read it; only its author may change or delete it,
//                 everyone else gets 403 not_owner (the post is visible anyway).
//   private post  only its author may read, change or delete it; to everyone
//                 else it does not exist: 404 not_found, exactly as for an id
//                 that was never used, so its existence is not revealed.
//   hidden post   (hidden by a moderator, with a reason) only its author and
//                 moderators read it; to everyone else it does not exist (404).
//                 Its author may still change or delete it.
//
// Moderators (the token's role "moderator" or "admin") act on others' posts
// only through /api/v1/moderation/actions, where every action is recorded; the
// post routes treat them as anyone else.
import { HttpProblem } from "@authbridge/service-kit";
import type { Principal } from "@authbridge/verifier";
import type { PostRecord } from "./repository.js";

/** The roles that may hide, unhide and delete any post, and read hidden ones. */
export const MODERATOR_ROLES = ["moderator", "admin"] as const;

/** Who is looking: undefined for an anonymous caller. */
export interface Viewer {
  id: string;
  moderator: boolean;
}

export function viewerOf(principal: Principal): Viewer;
export function viewerOf(principal: Principal | undefined): Viewer | undefined;
export function viewerOf(principal: Principal | undefined): Viewer | undefined {
  if (!principal) return undefined;
  return { id: principal.sub, moderator: principal.role !== undefined && (MODERATOR_ROLES as readonly string[]).includes(principal.role) };
}

export const notFound = () => new HttpProblem(404, "not_found", "No post has this id.");

export function canRead(post: Pick<PostRecord, "authorId" | "visibility" | "hiddenAt">, viewer: Viewer | undefined): boolean {
  if (viewer && post.authorId === viewer.id) return true;
  return post.visibility === "public" && (post.hiddenAt === null || viewer?.moderator === true);
}

/**
 * canRead as a SQL condition on the posts table; `param` adds a value and
 * returns its placeholder.
 */
export function visibleToSql(viewer: Viewer | undefined, param: (value: unknown) => string): string {
  const open = viewer?.moderator ? `visibility = 'public'` : `(visibility = 'public' AND "hiddenAt" IS NULL)`;
  return viewer ? `(${open} OR "authorId" = ${param(viewer.id)})` : open;
}

/** Throws the policy's answer when `viewer` may not change or delete `post`. */
export function assertCanModify(post: PostRecord, viewer: Viewer): void {
  if (post.authorId === viewer.id) return;
  if (!canRead(post, viewer)) throw notFound();
  throw new HttpProblem(403, "not_owner", "Only the author of this post may change or delete it.");
}
