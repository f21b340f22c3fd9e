// REQUIRE_VERIFIED_EMAIL_FOR_WRITES: a write needs a caller whose token says
// `email_verified: true`. A write is an operation that requires a token and is
// not a GET (http/operations.ts decides it from the route table, and the
// OpenAPI document from the same rule), so reading stays open to everyone
// signed in, and an unverified account can still see what it would change.
import { HttpProblem } from "@authbridge/service-kit";
import type { RequestHandler } from "express";
import { caller } from "./caller.js";

/** After requireAuth: 403 email_unverified unless the caller's address is verified. */
export const requireVerifiedEmail: RequestHandler = (req, _res, next) => {
  next(
    caller(req).emailVerified
      ? undefined
      : new HttpProblem(403, "email_unverified", "Verify your email address to make changes: follow the link in the verification mail, then get a new token."),
  );
};

/** Whether an operation writes: it requires a token and changes something. */
export function isWrite(operation: { method: string; auth: string }): boolean {
  return operation.auth === "required" && operation.method !== "get";
}
