// /api/v1/posts. Thin handlers: validate, call the service, answer (encoded
// by the response schemas, so an answer is exactly what the OpenAPI document says).
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { caller } from "../http/caller.js";
import { idParam } from "../http/params.js";
import { validate } from "../http/validation.js";
import { post as postSchema, postCreate, postListQuery, postPage, postPatch, postReplace } from "./schemas.js";
import type { PostService } from "./service.js";

export interface PostRoutes {
  posts: PostService;
  requireAuth: RequestHandler;
  optionalAuth: RequestHandler;
}

export function postsRouter({ posts, requireAuth, optionalAuth }: PostRoutes): Router {
  const router = Router();

  router.get("/", optionalAuth, async (req, res) => {
    res.json(z.encode(postPage, await posts.list(validate(postListQuery, req.query, "query"), req.auth)));
  });

  router.post("/", requireAuth, async (req, res) => {
    const post = await posts.create(caller(req), validate(postCreate, req.body, "body"));
    res.status(201).location(`${req.baseUrl}/${post.id}`).json(z.encode(postSchema, post));
  });

  router.get("/:id", optionalAuth, async (req, res) => {
    res.json(z.encode(postSchema, await posts.get(idParam(req), req.auth)));
  });

  router.patch("/:id", requireAuth, async (req, res) => {
    res.json(z.encode(postSchema, await posts.update(idParam(req), caller(req), validate(postPatch, req.body, "body"))));
  });

  router.put("/:id", requireAuth, async (req, res) => {
    res.json(z.encode(postSchema, await posts.update(idParam(req), caller(req), validate(postReplace, req.body, "body"))));
  });

  router.delete("/:id", requireAuth, async (req, res) => {
    await posts.remove(idParam(req), caller(req));
    res.status(204).end();
  });

  return router;
}
