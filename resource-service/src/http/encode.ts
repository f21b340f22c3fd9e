// The answers' encoder: what `z.encode(schema, value)` returns for a handler's
// result, without validating it again. A handler's result is typed by the
// schema's output side and comes from our own code, so checking every field of
// every answer (a UUID pattern per post, a date per timestamp) only costs time:
// on a page of posts it was the largest cost of our own in the request.
//
// Compiled once per schema when the router is built. Objects keep only their
// declared keys (as z.encode strips the others), arrays map, optional and
// nullable pass undefined and null through, timestamps become ISO strings, and
// every other value JSON already has a type for is passed as it is. A schema of
// any other kind is encoded by z.encode itself, so a new kind is never wrong,
// only slower (test/encode.test.ts holds the two to the same answers).
import { z } from "zod";
import { timestamp } from "./wire.js";

export type Encoder = (value: unknown) => unknown;

const asIs: Encoder = (value) => value;
const PASSED_AS_IS = new Set(["string", "number", "boolean", "enum", "literal", "null"]);

export function encoderOf(schema: z.ZodType): Encoder {
  if (schema === timestamp) return (value) => (value as Date).toISOString();
  const def = (schema as z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  if (PASSED_AS_IS.has(def.type) && !("transform" in def)) return asIs;
  switch (def.type) {
    case "object": {
      const fields = Object.entries(def.shape as Record<string, z.ZodType>).map(([key, field]) => [key, encoderOf(field)] as const);
      return (value) => {
        const source = value as Record<string, unknown>;
        const encoded: Record<string, unknown> = {};
        for (const [key, encode] of fields) {
          if (source[key] !== undefined) encoded[key] = encode(source[key]);
        }
        return encoded;
      };
    }
    case "array": {
      const element = encoderOf(def.element as z.ZodType);
      return (value) => (value as unknown[]).map(element);
    }
    case "nullable":
    case "optional": {
      const inner = encoderOf(def.innerType as z.ZodType);
      return (value) => (value === null || value === undefined ? value : inner(value));
    }
    default:
      return (value) => z.encode(schema, value as never);
  }
}
