// /api/v1/users: the caller's own profile, and other users' public profiles,
// answered through the response schemas (exactly what the OpenAPI document says).
import { Router, type RequestHandler } from "express";
import { z } from "zod";
import { caller } from "../http/caller.js";
import { idParam } from "../http/params.js";
import { validate } from "../http/validation.js";
import { ownProfile, profilePatch, profileReplace, publicProfile } from "./schemas.js";
import type { UserService } from "./service.js";

export interface UserRoutes {
  users: UserService;
  requireAuth: RequestHandler;
  optionalAuth: RequestHandler;
}

export function usersRouter({ users, requireAuth, optionalAuth }: UserRoutes): Router {
  const router = Router();

  router.get("/me", requireAuth, async (req, res) => {
    res.json(z.encode(ownProfile, await users.me(caller(req))));
  });

  router.patch("/me", requireAuth, async (req, res) => {
    res.json(z.encode(ownProfile, await users.update(caller(req), validate(profilePatch, req.body, "body"))));
  });

  router.put("/me", requireAuth, async (req, res) => {
    res.json(z.encode(ownProfile, await users.update(caller(req), validate(profileReplace, req.body, "body"))));
  });

  router.get("/:id", optionalAuth, async (req, res) => {
    res.json(z.encode(publicProfile, await users.publicProfile(idParam(req))));
  });

  return router;
}
