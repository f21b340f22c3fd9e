// Better Auth's endpoints, forwarded to the auth-service (lib/server/auth-proxy.ts).
import { forwardToAuthService } from "../../../../lib/server/auth-proxy";

export const dynamic = "force-dynamic";

export { forwardToAuthService as GET, forwardToAuthService as POST };
