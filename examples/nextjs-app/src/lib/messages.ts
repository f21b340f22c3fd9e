// Errors as a person would want to read them, for server and client
// components alike. The resource-service answers problem+json with a stable
// `code`, which @authbridge/client turns into typed errors; Better Auth's
// answers (through /api/auth) carry a `code` too. A few codes get words of
// our own (what happened, what to do); otherwise the server's own detail,
// written for people, is shown; field errors go next to their fields.
import { ApiError, AuthenticationError, RateLimitError, ValidationError } from "@authbridge/client";

export interface Explanation {
  /** One or two sentences for the form's or the page's error line. */
  message: string;
  /** Field name -> message, for errors that name a field. */
  fields: Record<string, string>;
}

export const SIGNED_OUT = "You are not signed in, or your session has ended. Sign in and try again.";

const byCode: Record<string, string> = {
  not_owner: "This post belongs to someone else: only its author can change it.",
  not_found: "There is no post with this id, or it is private to its author (the API does not say which).",
  email_unverified: "Verify your email address first (follow the link we mailed you), then reload this page.",
  INVALID_EMAIL_OR_PASSWORD: "That email and password do not match an account. Check them and try again.",
  INVALID_EMAIL: "That does not look like an email address.",
  EMAIL_NOT_VERIFIED: "Verify your email address first: follow the link we mailed you, or have it sent again below.",
  INVALID_TOKEN: "This reset link is not valid: it was used already, has expired, or was mistyped. Ask for a new one.",
  RESET_PASSWORD_DISABLED: "This server sends no mail, so it cannot reset passwords.",
  VERIFICATION_EMAIL_NOT_ENABLED: "This server sends no mail, so it cannot verify addresses.",
};

/** A verification link's outcome, from the `error` the auth-service adds to the app's URL (none: verified). */
export const verificationOutcome: Record<string, string> = {
  EMAIL_ALREADY_VERIFIED: "This link was used already: your email address is verified.",
  INVALID_TOKEN: "This verification link is not valid (it may have been cut or mistyped). Sign in and have a new one sent.",
  TOKEN_EXPIRED: "This verification link has expired. Sign in and have a new one sent.",
};

const fieldsByCode: Record<string, string> = {
  PASSWORD_TOO_SHORT: "password",
  PASSWORD_TOO_LONG: "password",
  PASSWORD_TOO_COMMON: "password",
  INVALID_EMAIL: "email",
};

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What to tell the person after an error of @authbridge/client (or any other thrown value). */
export function explain(error: unknown): Explanation {
  if (error instanceof ValidationError && error.fieldErrors.length > 0) {
    const fields: Record<string, string> = {};
    for (const { field, message } of error.fieldErrors) fields[field] ??= `${capitalized(field)} ${message}.`;
    return { message: "Please correct the fields marked above.", fields };
  }
  if (error instanceof RateLimitError) return { message: tooMany(error.retryAfterSeconds), fields: {} };
  if (error instanceof AuthenticationError) return { message: byCode[error.code] ?? SIGNED_OUT, fields: {} };
  if (error instanceof ApiError) {
    if (error.status >= 500) return { message: unavailable(error.problem.title ?? `HTTP ${error.status}`), fields: {} };
    return withField(error.code, byCode[error.code] ?? (error.detail || error.message));
  }
  if (error instanceof TypeError) return { message: "The server could not be reached. Is the stack running (npm start)?", fields: {} };
  return { message: "Something unexpected went wrong; the browser console has the details.", fields: {} };
}

/** Better Auth's client answers `{ data, error }`; its error carries the status and the body's fields. */
export interface AuthClientError {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  detail?: string | undefined;
}

/** What to tell the person after a sign-up, sign-in or sign-out that Better Auth refused. */
export function explainAuthError(error: AuthClientError): Explanation {
  if (error.status === 429) return { message: tooMany(undefined), fields: {} };
  if (error.status >= 500) return { message: unavailable(`HTTP ${error.status}`), fields: {} };
  const code = error.code ?? "";
  return withField(code, byCode[code] ?? error.detail ?? error.message ?? `The auth-service refused this (HTTP ${error.status}).`);
}

function withField(code: string, message: string): Explanation {
  const field = fieldsByCode[code];
  return { message, fields: field ? { [field]: message } : {} };
}

const tooMany = (retryAfterSeconds: number | undefined) =>
  `Too many attempts.${retryAfterSeconds !== undefined ? ` Try again in ${retryAfterSeconds} seconds.` : " Wait a moment and try again."}`;
const unavailable = (what: string) => `The server could not do that right now (${what}). Try again in a moment.`;
