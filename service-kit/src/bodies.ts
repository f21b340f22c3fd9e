// Request bodies of any type but the accepted ones are refused with 415
// before anything reads them.
import type { RequestHandler } from "express";
import { HttpProblem } from "./problem.js";

export function acceptBodies(types: readonly string[], detail = "Send the request body as application/json."): RequestHandler {
  const accepted = [...types];
  return (req, _res, next) => {
    // req.is() is null without a body, false for a body of another type.
    next(req.is(accepted) === false ? new HttpProblem(415, "unsupported_media_type", detail) : undefined);
  };
}
