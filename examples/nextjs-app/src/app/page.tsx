// The public posts, rendered on the server as an anonymous visitor sees them.
import type { Post } from "@authbridge/client";
import { authorNames, PostList } from "../components/post-list";
import { explain } from "../lib/messages";
import { apiAnonymous } from "../lib/server/session";

export default async function PublicPosts() {
  const api = apiAnonymous();
  let posts: Post[];
  try {
    posts = (await api.posts.list({ limit: 50 })).items;
  } catch (error: unknown) {
    return (
      <>
        <h1>Public posts</h1>
        <p className="form-error">{explain(error).message}</p>
      </>
    );
  }
  return (
    <>
      <h1>Public posts</h1>
      <p id="posts-summary">{posts.length === 1 ? "1 post" : `${posts.length} posts`}, as an anonymous visitor sees them.</p>
      <PostList posts={posts} authors={await authorNames(api, posts)} />
    </>
  );
}
