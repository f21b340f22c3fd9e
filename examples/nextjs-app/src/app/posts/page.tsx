// My posts, private ones included: listed by the server on the user's behalf.
// The server forwards the session cookie to the auth-service for a token and
// calls the resource-service with it; the page's HTML carries the posts, not the token.
import type { Post } from "@authbridge/client";
import { ComposePost } from "../../components/compose-post";
import { PostList } from "../../components/post-list";
import { explain } from "../../lib/messages";
import { apiAsUser, requireUser } from "../../lib/server/session";

export default async function MyPosts() {
  const user = await requireUser("/posts");
  let posts: Post[] | undefined;
  let error: string | undefined;
  try {
    posts = (await (await apiAsUser()).posts.list({ author: user.id, limit: 50 })).items;
  } catch (failure: unknown) {
    error = explain(failure).message;
  }
  return (
    <>
      <h1>My posts</h1>
      <h2>Write a post</h2>
      <ComposePost />
      <h2>Yours</h2>
      {posts ? (
        <>
          <p id="posts-summary">
            {posts.length === 1 ? "1 post" : `${posts.length} posts`} by {user.name}, listed by the server on your behalf.
          </p>
          <PostList posts={posts} authors={new Map()} viewerId={user.id} />
        </>
      ) : (
        <p className="form-error">{error}</p>
      )}
    </>
  );
}
