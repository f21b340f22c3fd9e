// Request validation with zod: a failure is 422 validation_failed with one
// entry per field, and the handler never sees unvalidated input. Schemas are
// strict, so a field a client may not set (an id, an author) is refused rather
// than silently ignored.
import { HttpProblem } from "@authbridge/service-kit";
import type { z } from "zod";

export interface FieldError {
  field: string;
  message: string;
}

export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown, where: "body" | "query"): z.output<Schema> {
  const repeated = where === "query" ? repeatedParameters(value) : [];
  if (repeated.length > 0) invalid(where, repeated.map((field) => ({ field, message: "must be given once, not repeated" })));
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  invalid(
    where,
    result.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join(".") : issue.code === "unrecognized_keys" ? issue.keys.join(", ") : where,
      message: issue.message,
    })),
  );
}

/**
 * Query parameters given more than once (`?limit=1&limit=2`): Express's query
 * parser makes each an array, which a schema would only call "not a number".
 */
function repeatedParameters(query: unknown): string[] {
  if (typeof query !== "object" || query === null) return [];
  return Object.entries(query).flatMap(([name, value]) => (Array.isArray(value) ? [name] : []));
}

function invalid(where: "body" | "query", errors: FieldError[]): never {
  throw new HttpProblem(422, "validation_failed", `The request ${where} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}.`, {}, { errors });
}
