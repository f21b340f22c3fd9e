import type { Request } from "express";

/** The `:id` path parameter (a string for the routes here; anything else names nothing). */
export function idParam(req: Request): string {
  const { id } = req.params as Record<string, unknown>;
  return typeof id === "string" ? id : "";
}
