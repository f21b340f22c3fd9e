// The Better Auth side, as in your Next.js app's lib/auth.ts: the jwt plugin
// issues the short-lived tokens your Express service verifies. Everything
// your app already configures (database, social providers, other plugins)
// stays as it is; what matters here is the plugin's options:
//
//   - EdDSA keys, published at {baseURL}/api/auth/jwks;
//   - issuer and audience set explicitly (by default they follow the request's
//     Host header);
//   - a small claim set: Better Auth otherwise puts the whole user row in the token.
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { jwt } from "better-auth/plugins";

export interface AuthOptions {
  /** Your app's public origin (BETTER_AUTH_URL); it becomes the tokens' `iss`. */
  baseURL: string;
  secret: string;
  /** Your Express service's audience (AUTH_AUDIENCE there). */
  apiAudience: string;
  database: BetterAuthOptions["database"];
}

export function createAuth({ baseURL, secret, apiAudience, database }: AuthOptions) {
  return betterAuth({
    baseURL,
    secret,
    database,
    emailAndPassword: { enabled: true },
    plugins: [
      jwt({
        jwks: { keyPairConfig: { alg: "EdDSA", crv: "Ed25519" } },
        jwt: {
          issuer: baseURL,
          audience: apiAudience,
          expirationTime: "15m",
          // sub (the user's id), iat, exp, iss and aud are added by the plugin.
          definePayload: ({ user, session }) => ({ email: user.email, email_verified: user.emailVerified, name: user.name, sid: session.id }),
        },
      }),
    ],
  });
}
