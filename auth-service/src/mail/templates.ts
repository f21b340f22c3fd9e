// The mails the auth-service sends, each as plain text and HTML from one
// template. Every value that goes into the HTML is escaped (a user's display
// name is theirs to choose); links are only the service's own URLs.

export type MailKind = "verify-email" | "reset-password" | "existing-account";

export interface RenderedMail {
  kind: MailKind;
  subject: string;
  text: string;
  html: string;
}

export interface MailContext {
  /** The product name in subjects and greetings. */
  appName: string;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? "24 hours" : `${seconds / 86_400} days`;
  if (seconds % 3_600 === 0) return seconds === 3_600 ? "1 hour" : `${seconds / 3_600} hours`;
  return `${Math.round(seconds / 60)} minutes`;
}

interface Body {
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  after: string[];
}

function layout(context: MailContext, kind: MailKind, subject: string, body: Body): RenderedMail {
  const text = [
    body.greeting,
    "",
    ...body.paragraphs.flatMap((p) => [p, ""]),
    ...(body.action ? [`${body.action.label}:`, body.action.url, ""] : []),
    ...body.after.flatMap((p) => [p, ""]),
    `-- ${context.appName}`,
    "",
  ].join("\n");
  const paragraph = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:24px auto;padding:0 16px">',
    paragraph(body.greeting),
    ...body.paragraphs.map(paragraph),
    ...(body.action
      ? [
          `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="background:#0b57d0;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(body.action.label)}</a></p>`,
          `<p style="margin:0 0 16px;font-size:13px;color:#59636e">Or paste this address into your browser: ${escapeHtml(body.action.url)}</p>`,
        ]
      : []),
    ...body.after.map(paragraph),
    `<p style="margin:24px 0 0;color:#59636e">${escapeHtml(context.appName)}</p>`,
    "</body></html>",
    "",
  ].join("\n");
  return { kind, subject, text, html };
}

/** The link that proves the address: Better Auth's /verify-email URL. */
export function verifyEmailMail(context: MailContext, user: { name: string }, url: string, expiresInSeconds: number): RenderedMail {
  return layout(context, "verify-email", `Verify your email address for ${context.appName}`, {
    greeting: `Hello ${user.name},`,
    paragraphs: [`Please confirm that this address is yours. The link works once, for ${duration(expiresInSeconds)}.`],
    action: { label: "Verify my email address", url },
    after: ["If you did not create an account, ignore this mail: nothing happens without the link."],
  });
}

/** The single-use link to choose a new password: Better Auth's /reset-password/:token URL. */
export function resetPasswordMail(context: MailContext, user: { name: string }, url: string, expiresInSeconds: number): RenderedMail {
  return layout(context, "reset-password", `Reset your ${context.appName} password`, {
    greeting: `Hello ${user.name},`,
    paragraphs: [
      `Someone (we hope you) asked to reset the password of your ${context.appName} account. The link works once, for ${duration(expiresInSeconds)}.`,
      "Choosing a new password signs you out everywhere.",
    ],
    action: { label: "Choose a new password", url },
    after: ["If you did not ask for this, ignore this mail: your password stays as it is."],
  });
}

/**
 * To the owner of an address someone tried to sign up with again. The sign-up
 * itself was answered exactly like a new one (no account enumeration), so this
 * mail is the only place that says the account exists, and it goes to the owner.
 */
export function existingAccountMail(context: MailContext, user: { name: string }): RenderedMail {
  return layout(context, "existing-account", `Someone tried to create a ${context.appName} account with your address`, {
    greeting: `Hello ${user.name},`,
    paragraphs: [
      `Someone just tried to create a ${context.appName} account with this email address, which already has one. No second account was created, and nothing about your account changed.`,
      `If it was you, sign in with your existing account, or use "forgot password" if you do not remember it.`,
    ],
    after: ["If it was not you, you can ignore this mail."],
  });
}
