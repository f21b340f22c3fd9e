// Text that PostgreSQL can store. Its text type cannot hold NUL, and a UTF-16
// surrogate without its pair (which JSON can carry as a "\ud800" escape) is
// not a character and has no UTF-8 encoding: a query carrying either fails,
// and the client would get a 500 for its own input. Services refuse both with
// 422 before a query is made: the resource-service in its request schemas
// (every string field is such a text), the auth-service for everything a
// request brings to Better Auth (refuseUnstorableText).
import type { RequestHandler } from "express";
import { HttpProblem } from "./problem.js";

const NOT_TEXT = /[\u0000\p{Cs}]/u;

/** The message of a field that holds what PostgreSQL cannot store. */
export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";

/** Whether `value` can be stored as PostgreSQL text (no NUL, no unpaired surrogate). */
export function isStorableText(value: string): boolean {
  return !NOT_TEXT.test(value);
}

/** The dotted paths of every string (or key) in `value` that is not storable text; `root` names a bare string. */
function unstorableFields(value: unknown, root: string): string[] {
  const found: string[] = [];
  const stack: Array<[unknown, string]> = [[value, ""]];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === "string") {
      if (!isStorableText(current)) found.push(path || root);
      continue;
    }
    if (typeof current !== "object" || current === null) continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) found.push(childPath);
      else stack.push([child, childPath]);
    }
  }
  return found.sort();
}

/**
 * Refuses a request whose parsed body or query string holds text PostgreSQL
 * cannot store, anywhere: 422 validation_failed, with one `errors` entry per
 * field (dotted for nested ones). Put it after the body parsers.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const fields = [...unstorableFields(req.body, "body"), ...unstorableFields(req.query, "query")];
  if (fields.length === 0) {
    next();
    return;
  }
  const errors = fields.map((field) => ({ field, message: UNSTORABLE_TEXT_MESSAGE }));
  next(new HttpProblem(422, "validation_failed", `The request is invalid: ${fields.join(", ")} ${UNSTORABLE_TEXT_MESSAGE}.`, {}, { errors }));
};
