// /api/v1/users: the caller's own profile, and other users' public profiles;
// every operation declared once. http/operations.ts serves them,
// openapi/document.ts describes them.
import { feature, type MethodVariant } from "../http/operations.js";
import { ownProfile, profilePatch, profileReplace, publicProfile, userPath, type ProfileChanges } from "./schemas.js";
import type { UserService } from "./service.js";

/** PATCH changes some fields of the caller's profile, PUT replaces them all; otherwise they are one operation. */
const changes: ReadonlyArray<MethodVariant<ProfileChanges>> = [
  { method: "patch", operationId: "updateMe", summary: "Change some fields of your profile", body: profilePatch },
  { method: "put", operationId: "replaceMe", summary: "Replace every field of your profile", body: profileReplace },
];

export const userRoutes = feature<{ users: UserService }>({
  path: "/api/v1/users",
  tag: { name: "users", description: "Your profile, and other users' public profiles." },
  schemas: { OwnProfile: ownProfile, PublicProfile: publicProfile, ProfilePatch: profilePatch, ProfileReplace: profileReplace },
  // /me before /:id: Express takes the first route that matches.
  operations: (operation) => [
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
    ...changes.map((change) =>
      operation({
        ...change,
        path: "/me",
        auth: "required",
        success: { status: 200, description: "Your changed profile.", schema: ownProfile },
        problems: ["handle_taken", "database_unavailable"],
        handler: ({ caller, body }, { users }) => users.update(caller, body),
      }),
    ),
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
});
