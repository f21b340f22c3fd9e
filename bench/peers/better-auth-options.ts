// Peer 2 of `npm run bench:compare`: plain Better Auth with its jwt plugin and its built-in
// pg adapter (Kysely), configured as its documentation shows. Shared by the server and the
// migration script.
import type { BetterAuthOptions } from "better-auth";
import { jwt } from "better-auth/plugins";
import pg from "pg";

export const options = {
  baseURL: process.env.BETTER_AUTH_URL,
  secret: process.env.BETTER_AUTH_SECRET,
  database: new pg.Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
  // In production Better Auth allows 100 requests a minute per address on every path; like
  // the auth-service (auth/better-auth.ts), /token is exempt.
  rateLimit: { customRules: { "/token": false } },
  plugins: [jwt()],
} satisfies BetterAuthOptions;
