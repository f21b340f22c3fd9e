// The API's features, in the order they are mounted (app.ts) and documented
// (openapi/document.ts). Each feature's folder holds its routes, schemas,
// service and repository.
import type { Feature } from "./http/operations.js";
import { moderationRoutes } from "./moderation/routes.js";
import type { ModerationService } from "./moderation/service.js";
import { postRoutes } from "./posts/routes.js";
import type { PostService } from "./posts/service.js";
import { userRoutes } from "./users/routes.js";
import type { UserService } from "./users/service.js";

/** What the features' handlers call. */
export interface Services {
  posts: PostService;
  users: UserService;
  moderation: ModerationService;
}

export const features: ReadonlyArray<Feature<Services>> = [postRoutes, userRoutes, moderationRoutes];
