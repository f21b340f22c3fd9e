// Errors as a person would want to read them. The API and the auth-service
// answer problem+json with a stable `code`, a `title` and a `detail`; the
// client turns them into typed errors. A few codes get words of our own (what
// happened and what to do); otherwise the server's detail is shown, which is
// written for people, and field errors go next to their fields.
import { ApiError, AuthenticationError, RateLimitError, ValidationError } from "@authbridge/client";

export interface Explanation {
  /** One or two sentences for the form's error line. */
  message: string;
  /** Field name -> message, for errors that name a field. */
  fields: Record<string, string>;
}

const byCode: Record<string, string> = {
  not_owner: "This post belongs to someone else: only its author can change it.",
  insufficient_scope: "Only moderators and admins can do that (your token does not carry that role).",
  not_found: "There is no post with this id, or it is private to its author or hidden (the API does not say which).",
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account. Check them and try again.",
  INVALID_EMAIL: "That does not look like an email address.",
  email_unverified: "Verify your email address first: follow the link in the mail we sent you, then try again.",
  EMAIL_NOT_VERIFIED: "Verify your email address first: follow the link in the mail we sent you.",
  INVALID_TOKEN: "This link is invalid, has expired or was already used. Ask for a new one.",
  EMAIL_ALREADY_VERIFIED: "This verification link was already used: your address is verified.",
};

const fieldsByCode: Record<string, string> = {
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_COMMON: "password",
  INVALID_EMAIL: "email",
};

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Words for a bare code (a mail link's ?error=...), or the code itself. */
export function explainCode(code: string): string {
  return byCode[code] ?? `That link did not work (${code}).`;
}

/** What to tell the person after `error`. */
export function explain(error: unknown): Explanation {
  if (error instanceof ValidationError && error.fieldErrors.length > 0) {
    const fields: Record<string, string> = {};
    for (const { field, message } of error.fieldErrors) fields[field] ??= `${capitalized(field)} ${message}.`;
    return { message: "Please correct the fields marked above.", fields };
  }
  if (error instanceof RateLimitError) {
    const wait = error.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} seconds.` : " Wait a moment and try again.";
    return { message: `Too many attempts.${wait}`, fields: {} };
  }
  if (error instanceof AuthenticationError) {
    const message = byCode[error.code] ?? "You are not signed in, or your session has ended. Sign in and try again.";
    return { message, fields: {} };
  }
  if (error instanceof ApiError) {
    const message = byCode[error.code] ?? (error.status >= 500 ? `The server could not do that right now (${error.problem.title ?? `HTTP ${error.status}`}). Try again in a moment.` : error.detail || error.message);
    const field = fieldsByCode[error.code];
    return { message, fields: field ? { [field]: message } : {} };
  }
  if (error instanceof TypeError) {
    return { message: "The server could not be reached. Is the stack running (npm start)?", fields: {} };
  }
  return { message: "Something unexpected went wrong; the browser console has the details.", fields: {} };
}
