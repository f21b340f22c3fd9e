// Roles: the fixed set a user can hold, what each may do at the auth-service
// (Better Auth's admin plugin, through its access-control API), and which of
// the admin plugin's endpoints this service serves at all.
//
//   user       everyone, by default: nothing beyond their own account.
//   moderator  the same here; the resource-services let it act on others'
//              content (the token's `role` claim says so).
//   admin      sets roles, bans and unbans (and lists and reads users to do so).
//
// Nothing else of the admin plugin is served: no impersonation, no creating,
// changing or deleting users, no setting passwords, no ending sessions one by
// one. An endpoint that slips through is still refused by the permissions.
import { createAccessControl } from "better-auth/plugins/access";

/** Every role, least privileged first. The token's `role` claim is always one of these. */
export const ROLES = ["user", "moderator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The role of every new account. */
export const DEFAULT_ROLE: Role = "user";

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

const statements = {
  user: ["list", "get", "set-role", "ban"],
  session: [],
} as const;

export const accessControl = createAccessControl(statements);

/** What each role may do through the admin plugin's endpoints. */
export const rolePermissions = {
  user: accessControl.newRole({ user: [], session: [] }),
  moderator: accessControl.newRole({ user: [], session: [] }),
  admin: accessControl.newRole({ user: ["list", "get", "set-role", "ban"], session: [] }),
} satisfies Record<Role, unknown>;

/** The admin plugin's endpoints this service serves; any other `/admin/*` path answers 404. */
export const ADMIN_PATHS: ReadonlySet<string> = new Set(["/admin/set-role", "/admin/ban-user", "/admin/unban-user", "/admin/list-users", "/admin/get-user"]);
