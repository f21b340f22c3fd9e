// Request bodies: any type but the accepted ones is refused with 415 before
// anything reads it; JSON (and forms, where accepted) are parsed with a size
// limit and must be valid UTF-8 (invalid bytes would otherwise turn into
// replacement characters and be stored).
import { isUtf8 } from "node:buffer";
import express, { type RequestHandler } from "express";
import { HttpProblem } from "./problem.js";
import { sequence } from "./sequence.js";

/**
 * The body handlers of an API, as one middleware that steps aside at once for
 * a request without a body (most GETs), which would otherwise pass through
 * each of them. A request has a body when it says so (Content-Length or
 * Transfer-Encoding), exactly as the parsers decide.
 *
 * @example
 * app.use("/api", requestBodies(acceptBodies(["application/json"]), ...jsonBody(64 * 1024)));
 */
export function requestBodies(...handlers: RequestHandler[]): RequestHandler {
  const parse = sequence(...handlers);
  return (req, res, next) => {
    if (req.headers["transfer-encoding"] === undefined && req.headers["content-length"] === undefined) next();
    else parse(req, res, next);
  };
}

export function acceptBodies(types: readonly string[], detail = "Send the request body as application/json."): RequestHandler {
  const accepted = [...types];
  return (req, _res, next) => {
    // req.is() is null without a body, false for a body of another type.
    next(req.is(accepted) === false ? new HttpProblem(415, "unsupported_media_type", detail) : undefined);
  };
}

function verifyUtf8(_req: unknown, _res: unknown, buffer: Buffer): void {
  if (!isUtf8(buffer)) throw Object.assign(new Error("The request body is not valid UTF-8."), { type: "encoding.invalid", status: 400 });
}

/**
 * A body announced larger than `limitBytes` is refused at once, before a byte
 * of it is read, and the connection is closed: body-parser would otherwise
 * read (and discard) all of it before answering, at the sender's pace.
 */
function refuseOversized(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const length = Number(req.headers["content-length"]);
    if (Number.isFinite(length) && length > limitBytes) {
      res.set("connection", "close");
      next(new HttpProblem(413, "payload_too_large", "The request body is larger than this endpoint accepts."));
      return;
    }
    next();
  };
}

/** How deeply a JSON body may nest; the APIs here take flat objects. */
export const MAX_JSON_DEPTH = 32;

/** The depth of a parsed JSON value, measured without recursion (so a hostile one cannot overflow the stack). */
export function jsonDepth(value: unknown, stopAt = MAX_JSON_DEPTH + 1): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== "object" || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest >= stopAt) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Refuses parsed bodies nested deeper than MAX_JSON_DEPTH: JSON.parse accepts
 * them, but whatever walks them recursively later (a serializer, a validator)
 * can overflow the stack.
 */
const refuseDeepNesting: RequestHandler = (req, _res, next) => {
  next(jsonDepth(req.body) > MAX_JSON_DEPTH ? new HttpProblem(400, "nesting_too_deep", `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`) : undefined);
};

/** JSON bodies: at most `limitBytes`, strict (objects and arrays only), UTF-8 only, at most MAX_JSON_DEPTH deep. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [refuseOversized(limitBytes), express.json({ limit: limitBytes, strict: true, verify: verifyUtf8 }), refuseDeepNesting];
}

/** Form bodies: at most `limitBytes` and 50 fields, UTF-8 only. */
export function formBody(limitBytes: number): RequestHandler[] {
  return [refuseOversized(limitBytes), express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: 50, verify: verifyUtf8 })];
}
