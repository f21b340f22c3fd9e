// Moderation records, and the post changes they go with, in one transaction:
// an action is never taken without its record, nor recorded without being taken.
import type { Database } from "../db.js";
import { uuidv7 } from "../ids.js";
import type { ModerationInput, ModerationRecord } from "./schemas.js";

export interface ModerationFilter {
  postId: string | undefined;
  before: string | undefined;
  limit: number;
}

export function moderationRepository(db: Database) {
  return {
    /** Applies `input.action` to the post and records it, atomically; null when the post is gone (deleted meanwhile). */
    async act(input: ModerationInput, record: Pick<ModerationRecord, "postAuthorId" | "moderatorId" | "moderatorRole">): Promise<ModerationRecord | null> {
      const { action, postId, reason } = input;
      try {
        return await db.prisma.$transaction(async (tx) => {
          if (action === "delete") await tx.post.delete({ where: { id: postId } });
          else await tx.post.update({ where: { id: postId }, data: action === "hide" ? { hiddenAt: new Date(), hiddenReason: reason } : { hiddenAt: null, hiddenReason: null } });
          return tx.moderationAction.create({ data: { id: uuidv7(), action, postId, reason, ...record } });
        });
      } catch (error: unknown) {
        // Prisma's "record to update or delete does not exist".
        if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2025") return null;
        throw error;
      }
    },
    list({ postId, before, limit }: ModerationFilter): Promise<ModerationRecord[]> {
      return db.prisma.moderationAction.findMany({
        where: { ...(postId ? { postId } : {}), ...(before ? { id: { lt: before } } : {}) },
        orderBy: { id: "desc" },
        take: limit,
      });
    },
  };
}

export type ModerationRepository = ReturnType<typeof moderationRepository>;
