// Moderation: a moderator or admin hides, unhides or deletes any post, and
// every action is recorded (who, what, when, why). Who may call it is the route
// table's `roles`; who sees a hidden post is posts/policy.ts.
import type { Principal } from "@authbridge/verifier";
import { isUuid } from "../ids.js";
import { notFound } from "../posts/policy.js";
import type { PostRepository } from "../posts/repository.js";
import type { ModerationRepository } from "./repository.js";
import type { ModerationInput, ModerationListQuery, ModerationRecord } from "./schemas.js";

export interface ModerationPage {
  items: ModerationRecord[];
  nextCursor: string | null;
}

export function moderationService(records: ModerationRepository, posts: PostRepository) {
  return {
    async act(moderator: Principal, input: ModerationInput): Promise<ModerationRecord> {
      const post = isUuid(input.postId) ? await posts.find(input.postId) : null;
      if (!post) throw notFound();
      const record = await records.act(input, { postAuthorId: post.authorId, moderatorId: moderator.sub, moderatorRole: moderator.role ?? "" });
      if (!record) throw notFound();
      return record;
    },
    async list(query: ModerationListQuery): Promise<ModerationPage> {
      const items = await records.list({ postId: query.postId, before: query.cursor, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      return { items: page, nextCursor: items.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
  };
}

export type ModerationService = ReturnType<typeof moderationService>;
