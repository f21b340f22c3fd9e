// /api/v1/posts: every operation, declared once. http/operations.ts serves
// them, openapi/document.ts describes them.
import { operationsUsing, type Feature } from "../http/operations.js";
import { post, postCreate, postListQuery, postPage, postPatch, postPath, postReplace } from "./schemas.js";
import type { PostService } from "./service.js";

interface Services {
  posts: PostService;
}

const operation = operationsUsing<Services>();

export const postRoutes: Feature<Services> = {
  path: "/api/v1/posts",
  tag: { name: "posts", description: "Posts: public ones for everyone, private ones for their author only; only the author changes or deletes." },
  schemas: { Post: post, PostPage: postPage, PostCreate: postCreate, PostPatch: postPatch, PostReplace: postReplace },
  operations: [
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
    operation({
      operationId: "updatePost",
      method: "patch",
      path: "/:id",
      summary: "Change some fields of your post",
      auth: "required",
      params: postPath,
      body: postPatch,
      success: { status: 200, description: "The changed post.", schema: post },
      problems: ["not_owner", "not_found", "database_unavailable"],
      handler: ({ params, caller, body }, { posts }) => posts.update(params.id, caller, body),
    }),
    operation({
      operationId: "replacePost",
      method: "put",
      path: "/:id",
      summary: "Replace every field of your post",
      auth: "required",
      params: postPath,
      body: postReplace,
      success: { status: 200, description: "The changed post.", schema: post },
      problems: ["not_owner", "not_found", "database_unavailable"],
      handler: ({ params, caller, body }, { posts }) => posts.update(params.id, caller, body),
    }),
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
};
