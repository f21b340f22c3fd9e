// Posts in the resource-service's database. Plain objects out; Prisma stays here.
import type { Database } from "../db.js";
import { uuidv7 } from "../ids.js";
import type { PostChanges, PostInput } from "./schemas.js";

export interface PostRecord {
  id: string;
  authorId: string;
  title: string;
  body: string;
  visibility: "public" | "private";
  createdAt: Date;
  updatedAt: Date;
}

export interface ListFilter {
  /** Only this author's posts. */
  authorId: string | undefined;
  /** The caller, whose private posts are included; undefined when anonymous. */
  viewerId: string | undefined;
  /** Posts older than this id (the previous page's last). */
  before: string | undefined;
  limit: number;
}

export function postRepository(db: Database) {
  return {
    create(authorId: string, input: PostInput): Promise<PostRecord> {
      return db.post.create({ data: { id: uuidv7(), authorId, ...input } });
    },
    find(id: string): Promise<PostRecord | null> {
      return db.post.findUnique({ where: { id } });
    },
    /** Newest first; public posts, plus the viewer's own private ones. */
    list({ authorId, viewerId, before, limit }: ListFilter): Promise<PostRecord[]> {
      const visible = viewerId ? { OR: [{ visibility: "public" as const }, { authorId: viewerId }] } : { visibility: "public" as const };
      return db.post.findMany({
        where: { AND: [visible, ...(authorId ? [{ authorId }] : []), ...(before ? [{ id: { lt: before } }] : [])] },
        orderBy: { id: "desc" },
        take: limit,
      });
    },
    update(id: string, changes: PostChanges): Promise<PostRecord> {
      return db.post.update({ where: { id }, data: changes });
    },
    async delete(id: string): Promise<void> {
      await db.post.delete({ where: { id } });
    },
  };
}

export type PostRepository = ReturnType<typeof postRepository>;
