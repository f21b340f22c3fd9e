// /api/v1/users: the caller's own profile, and other users' public profiles;
// every operation declared once. http/operations.ts serves them,
// openapi/document.ts describes them.
import { operationsUsing, type Feature } from "../http/operations.js";
import { ownProfile, profilePatch, profileReplace, publicProfile, userPath } from "./schemas.js";
import type { UserService } from "./service.js";

interface Services {
  users: UserService;
}

const operation = operationsUsing<Services>();

export const userRoutes: Feature<Services> = {
  path: "/api/v1/users",
  tag: { name: "users", description: "Your profile, and other users' public profiles." },
  schemas: { OwnProfile: ownProfile, PublicProfile: publicProfile, ProfilePatch: profilePatch, ProfileReplace: profileReplace },
  // /me before /:id: Express takes the first route that matches.
  operations: [
    operation({
      operationId: "getMe",
      method: "get",
      path: "/me",
      summary: "Your profile",
      description: "Created from the token's claims on first use; `email` and `name` are kept in step with them.",
      auth: "required",
      success: { status: 200, description: "Your profile.", schema: ownProfile },
      problems: ["database_unavailable"],
      handler: ({ caller }, { users }) => users.me(caller),
    }),
    operation({
      operationId: "updateMe",
      method: "patch",
      path: "/me",
      summary: "Change some fields of your profile",
      auth: "required",
      body: profilePatch,
      success: { status: 200, description: "Your changed profile.", schema: ownProfile },
      problems: ["handle_taken", "database_unavailable"],
      handler: ({ caller, body }, { users }) => users.update(caller, body),
    }),
    operation({
      operationId: "replaceMe",
      method: "put",
      path: "/me",
      summary: "Replace every field of your profile",
      auth: "required",
      body: profileReplace,
      success: { status: 200, description: "Your changed profile.", schema: ownProfile },
      problems: ["handle_taken", "database_unavailable"],
      handler: ({ caller, body }, { users }) => users.update(caller, body),
    }),
    operation({
      operationId: "getUser",
      method: "get",
      path: "/:id",
      summary: "Someone's public profile",
      auth: "optional",
      params: userPath,
      success: { status: 200, description: "Their public profile (never the email).", schema: publicProfile },
      problems: ["not_found", "database_unavailable"],
      handler: ({ params }, { users }) => users.publicProfile(params.id),
    }),
  ],
};
