// One post, read by the server as the signed-in user. Someone else's private
// post is answered 404, exactly like an id that was never used (the API does
// not tell which); someone else's public post is shown, but changing it is
// refused (403), in words, by the form below it.
import { NotFoundError, type Post } from "@authbridge/client";
import Link from "next/link";
import { EditTitle } from "../../../components/edit-title";
import { explain } from "../../../lib/messages";
import { apiAsUser, requireUser } from "../../../lib/server/session";

export default async function PostPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/posts/${encodeURIComponent(id)}`);
  let post: Post;
  try {
    post = await (await apiAsUser()).posts.get(id);
  } catch (error: unknown) {
    return (
      <>
        <h1>{error instanceof NotFoundError ? "No such post" : "This post could not be read"}</h1>
        <p id="post-error" className="form-error">
          {explain(error).message}
        </p>
        <p>
          <Link href="/posts">Back to my posts</Link>
        </p>
      </>
    );
  }
  return (
    <article id="post" data-post-id={post.id}>
      <h1>{post.title}</h1>
      <p className="meta">
        {post.visibility === "private" ? <span className="badge">private</span> : "public"} · {post.authorId === user.id ? "yours" : "by someone else"}
      </p>
      <p>{post.body}</p>
      <h2>Change the title</h2>
      <EditTitle postId={post.id} title={post.title} />
    </article>
  );
}
