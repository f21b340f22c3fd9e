// Email verification and password reset, with Better Auth's own mechanisms;
// this file only decides what is mailed (through the outbox, never on the
// request path) and adds what Better Auth leaves open:
//
// - a verification link works once: Better Auth's links are stateless signed
//   tokens that it would accept again (doing nothing) until they expire; a link
//   for an address already verified is answered 400 EMAIL_ALREADY_VERIFIED;
// - a sign-up for an address that has an account is still answered like a new
//   one (autoSignIn is off, see better-auth.ts), and its owner is told by mail.
//
// Reset links are single-use in Better Auth itself (the token is a row of the
// verification table, consumed in the same transaction as the password write),
// and a reset ends every session of the user (revokeSessionsOnPasswordReset),
// through the same delete hooks that announce a sign-out to the
// resource-services.
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { jwtVerify } from "jose";
import type { AuthServiceConfig } from "../config.js";
import type { Outbox } from "../mail/outbox.js";
import { existingAccountMail, resetPasswordMail, verifyEmailMail, type MailContext } from "../mail/templates.js";

type EmailOptions = Pick<BetterAuthOptions, "emailVerification"> & {
  emailAndPassword: Pick<
    NonNullable<BetterAuthOptions["emailAndPassword"]>,
    "requireEmailVerification" | "sendResetPassword" | "resetPasswordTokenExpiresIn" | "revokeSessionsOnPasswordReset" | "onExistingUserSignUp"
  >;
};

/**
 * Better Auth's email options for this configuration. Without an SMTP server
 * (no outbox) nothing is mailed: verification mails are not sent, and
 * /request-password-reset answers 400 RESET_PASSWORD_DISABLED.
 */
export function emailOptions(config: AuthServiceConfig, outbox: Outbox | undefined): EmailOptions {
  const { mail } = config;
  const revokeSessionsOnPasswordReset = true;
  if (!outbox) return { emailAndPassword: { revokeSessionsOnPasswordReset } };
  const context: MailContext = { appName: "authbridge" };
  return {
    emailVerification: {
      sendOnSignUp: true,
      // A sign-in attempt never sends mail (the resend endpoint does, rate-limited).
      sendOnSignIn: false,
      // The link proves the mailbox, which is what a password reset asks too;
      // it signs that browser in, so "click the link" ends signed in.
      autoSignInAfterVerification: true,
      expiresIn: mail.verificationExpiresInSeconds,
      sendVerificationEmail: async ({ user, url }) => outbox.enqueue(user.email, verifyEmailMail(context, user, url, mail.verificationExpiresInSeconds)),
    },
    emailAndPassword: {
      requireEmailVerification: mail.requireEmailVerification,
      resetPasswordTokenExpiresIn: mail.resetPasswordExpiresInSeconds,
      revokeSessionsOnPasswordReset,
      sendResetPassword: async ({ user, url }) => outbox.enqueue(user.email, resetPasswordMail(context, user, url, mail.resetPasswordExpiresInSeconds)),
      onExistingUserSignUp: async ({ user }) => outbox.enqueue(user.email, existingAccountMail(context, user)),
    },
  };
}

/** Where a link's `callbackURL` may send the browser: a path here, or a trusted origin. */
function trustedCallback(callbackURL: string, config: AuthServiceConfig): string | undefined {
  if (/^\/(?![/\\])/.test(callbackURL)) return new URL(callbackURL, config.baseUrl).href;
  if (!URL.canParse(callbackURL)) return undefined;
  const url = new URL(callbackURL);
  return [config.baseUrl, ...config.corsOrigins].includes(url.origin) ? url.href : undefined;
}

/**
 * A Better Auth plugin with one before-hook: a verification link for an
 * address that is already verified (the link was used, or a newer one was) is
 * refused instead of being accepted again. Better Auth's own checks
 * (signature, expiry, the email-change flow) run as before for every other link.
 */
export function verificationLinksWorkOnce(config: AuthServiceConfig): BetterAuthPlugin {
  const secret = new TextEncoder().encode(config.secret);
  const handler = createAuthMiddleware(async (ctx) => {
    const query = (ctx.query ?? {}) as { token?: unknown; callbackURL?: unknown };
    if (typeof query.token !== "string") return;
    const payload = await jwtVerify(query.token, secret, { algorithms: ["HS256"] }).then(
      ({ payload }) => payload,
      () => undefined, // Better Auth answers expired and invalid links itself.
    );
    if (!payload || typeof payload.email !== "string" || payload.updateTo !== undefined) return;
    const found = await ctx.context.internalAdapter.findUserByEmail(payload.email);
    if (!found?.user.emailVerified) return;
    const callback = typeof query.callbackURL === "string" ? trustedCallback(query.callbackURL, config) : undefined;
    if (callback) {
      const target = new URL(callback);
      target.searchParams.set("error", "EMAIL_ALREADY_VERIFIED");
      throw ctx.redirect(target.href);
    }
    throw new APIError("BAD_REQUEST", { code: "EMAIL_ALREADY_VERIFIED", message: "This link was already used: the email address is verified." });
  });
  return { id: "authbridge-verification-links", hooks: { before: [{ matcher: (ctx) => ctx.path === "/verify-email", handler }] } };
}
