// Better Auth's React client. Without a baseURL it calls /api/auth on the
// page's own origin, which the app forwards to the auth-service
// (app/api/auth/[...path]/route.ts): the session cookie stays first-party.
import { createAuthClient } from "better-auth/react";

export const authClient = createAuthClient();

export type SessionData = NonNullable<ReturnType<typeof authClient.useSession>["data"]>;
