// /api/v1/posts: every operation, declared once. http/operations.ts serves
// them, openapi/document.ts describes them.
import { feature, type MethodVariant } from "../http/operations.js";
import { post, postCreate, postListQuery, postPage, postPatch, postPath, postReplace, type PostChanges } from "./schemas.js";
import type { PostService } from "./service.js";

/** PATCH changes some fields of a post, PUT replaces them all; otherwise they are one operation. */
const changes: ReadonlyArray<MethodVariant<PostChanges>> = [
  { method: "patch", operationId: "updatePost", summary: "Change some fields of your post", body: postPatch },
  { method: "put", operationId: "replacePost", summary: "Replace every field of your post", body: postReplace },
];

export const postRoutes = feature<{ posts: PostService }>({
  path: "/api/v1/posts",
  tag: { name: "posts", description: "Posts: public ones for everyone, private ones for their author only; only the author changes or deletes." },
  schemas: { Post: post, PostPage: postPage, PostCreate: postCreate, PostPatch: postPatch, PostReplace: postReplace },
  operations: (operation) => [
    operation({
      operationId: "listPosts",
      method: "get",
      path: "/",
      summary: "List posts, newest first",
      description: "Everyone sees public posts; a signed-in caller also sees their own private ones. Pages by `cursor`.",
      auth: "optional",
      query: postListQuery,
      success: { status: 200, description: "One page of posts.", schema: postPage },
      problems: ["database_unavailable"],
      handler: ({ query, caller }, { posts }) => posts.list(query, caller),
    }),
    operation({
      operationId: "createPost",
      method: "post",
      path: "/",
      summary: "Create a post",
      auth: "required",
      body: postCreate,
      success: { status: 201, description: "The new post.", schema: post, location: { description: "The new post's path.", path: (created) => created.id } },
      problems: ["database_unavailable"],
      handler: ({ caller, body }, { posts }) => posts.create(caller, body),
    }),
    operation({
      operationId: "getPost",
      method: "get",
      path: "/:id",
      summary: "Get a post you may see",
      auth: "optional",
      params: postPath,
      success: { status: 200, description: "The post.", schema: post },
      problems: ["not_found", "database_unavailable"],
      handler: ({ params, caller }, { posts }) => posts.get(params.id, caller),
    }),
    ...changes.map((change) =>
      operation({
        ...change,
        path: "/:id",
        auth: "required",
        params: postPath,
        success: { status: 200, description: "The changed post.", schema: post },
        problems: ["not_owner", "not_found", "database_unavailable"],
        handler: ({ params, caller, body }, { posts }) => posts.update(params.id, caller, body),
      }),
    ),
    operation({
      operationId: "deletePost",
      method: "delete",
      path: "/:id",
      summary: "Delete your post",
      auth: "required",
      params: postPath,
      success: { status: 204, description: "Deleted." },
      problems: ["not_owner", "not_found", "database_unavailable"],
      handler: ({ params, caller }, { posts }) => posts.remove(params.id, caller),
    }),
  ],
});
