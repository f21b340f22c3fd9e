// Posts: creation by the caller, reads filtered by the visibility policy,
// changes and deletion by the author only (policy.ts).
import type { Principal } from "@authbridge/verifier";
import { isUuid } from "../ids.js";
import type { UserService } from "../users/service.js";
import { assertCanModify, canRead, notFound, viewerOf, type Viewer } from "./policy.js";
import type { PostRecord, PostRepository } from "./repository.js";
import type { PostChanges, PostInput, PostListQuery } from "./schemas.js";

export interface PostPage {
  items: PostRecord[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export function postService(posts: PostRepository, users: UserService) {
  /** A post the caller may see, or 404 (an id that is not even a UUID cannot name a post). */
  async function visiblePost(id: string, viewer: Viewer | undefined): Promise<PostRecord> {
    const post = isUuid(id) ? await posts.find(id) : null;
    if (!post || !canRead(post, viewer)) throw notFound();
    return post;
  }

  async function modifiablePost(id: string, principal: Principal): Promise<PostRecord> {
    const post = isUuid(id) ? await posts.find(id) : null;
    if (!post) throw notFound();
    assertCanModify(post, viewerOf(principal));
    return post;
  }

  return {
    async create(principal: Principal, input: PostInput): Promise<PostRecord> {
      await users.ensure(principal);
      return posts.create(principal.sub, input);
    },
    get(id: string, caller: Principal | undefined): Promise<PostRecord> {
      return visiblePost(id, viewerOf(caller));
    },
    async list(query: PostListQuery, caller: Principal | undefined): Promise<PostPage> {
      const items = await posts.list({ authorId: query.author, viewer: viewerOf(caller), before: query.cursor, limit: query.limit + 1 });
      const page = items.slice(0, query.limit);
      return { items: page, nextCursor: items.length > query.limit ? (page.at(-1)?.id ?? null) : null };
    },
    async update(id: string, principal: Principal, changes: PostChanges): Promise<PostRecord> {
      await modifiablePost(id, principal);
      return posts.update(id, changes);
    },
    async remove(id: string, principal: Principal): Promise<void> {
      await modifiablePost(id, principal);
      await posts.delete(id);
    },
  };
}

export type PostService = ReturnType<typeof postService>;
