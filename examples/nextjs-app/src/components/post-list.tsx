// A list of posts (server-rendered). Text goes in as text: titles and names come from other users.
import type { ApiClient, Post } from "@authbridge/client";
import Link from "next/link";

/** Each author's public name, looked up once per author (anonymously: profiles are public). */
export async function authorNames(api: ApiClient, posts: Post[]): Promise<Map<string, string>> {
  const ids = [...new Set(posts.map((post) => post.authorId))];
  const names = await Promise.all(ids.map((id) => api.users.get(id).then((user) => user.displayName ?? user.name, () => "someone")));
  return new Map(ids.map((id, index) => [id, names[index] ?? "someone"]));
}

export function PostList({ posts, authors, viewerId }: { posts: Post[]; authors: Map<string, string>; viewerId?: string | undefined }) {
  if (posts.length === 0) return <p className="empty">No posts yet.</p>;
  return (
    <ol id="post-list">
      {posts.map((post) => (
        <li key={post.id} data-post-id={post.id}>
          <h3>
            <Link href={`/posts/${post.id}`}>{post.title}</Link>
          </h3>
          {post.visibility === "private" && <span className="badge">private</span>}
          <p>{post.body}</p>
          <p className="meta">
            by <span className="author">{post.authorId === viewerId ? "you" : (authors.get(post.authorId) ?? "someone")}</span>
          </p>
        </li>
      ))}
    </ol>
  );
}
