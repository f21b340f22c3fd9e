// /api/v1/moderation: every operation, declared once. Moderators and admins only.
import { feature } from "../http/operations.js";
import { MODERATOR_ROLES } from "../posts/policy.js";
import { moderationCreate, moderationListQuery, moderationPage, moderationRecord } from "./schemas.js";
import type { ModerationService } from "./service.js";

export const moderationRoutes = feature<{ moderation: ModerationService }>({
  path: "/api/v1/moderation",
  tag: { name: "moderation", description: "Moderators and admins hide, unhide and delete any post; every action is recorded." },
  schemas: { ModerationAction: moderationRecord, ModerationPage: moderationPage, ModerationActionCreate: moderationCreate },
  operations: (operation) => [
    operation({
      operationId: "moderatePost",
      method: "post",
      path: "/actions",
      summary: "Hide, unhide or delete a post, and record it",
      description: "Takes the action and records it in one transaction. A hidden post is seen by its author and moderators only, with the reason.",
      auth: "required",
      roles: MODERATOR_ROLES,
      body: moderationCreate,
      success: { status: 201, description: "The action was taken; its record.", schema: moderationRecord },
      problems: ["not_found", "database_unavailable"],
      handler: ({ caller, body }, { moderation }) => moderation.act(caller, body),
    }),
    operation({
      operationId: "listModerationActions",
      method: "get",
      path: "/actions",
      summary: "List the moderation records, newest first",
      auth: "required",
      roles: MODERATOR_ROLES,
      query: moderationListQuery,
      success: { status: 200, description: "One page of records.", schema: moderationPage },
      problems: ["database_unavailable"],
      handler: ({ query }, { moderation }) => moderation.list(query),
    }),
  ],
});
