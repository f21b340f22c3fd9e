// Who may see and change a post. This is the one place it is decided:
//
//   public post   anyone may read it; only its author may change or delete it,
//                 everyone else gets 403 not_owner (the post is visible anyway).
//   private post  only its author may read, change or delete it; to everyone
//                 else it does not exist: 404 not_found, exactly as for an id
//                 that was never used, so its existence is not revealed.
import { HttpProblem } from "@authbridge/service-kit";
import type { PostRecord } from "./repository.js";

export const notFound = () => new HttpProblem(404, "not_found", "No post has this id.");

export function canRead(post: PostRecord, callerId: string | undefined): boolean {
  return post.visibility === "public" || post.authorId === callerId;
}

/** Throws the policy's answer when `callerId` may not change or delete `post`. */
export function assertCanModify(post: PostRecord, callerId: string): void {
  if (post.authorId === callerId) return;
  if (!canRead(post, callerId)) throw notFound();
  throw new HttpProblem(403, "not_owner", "Only the author of this post may change or delete it.");
}
