// What goes over the wire for values JSON has no type for. A response schema
// has two sides: its output is the value a service returns (Dates), its input
// is the JSON a client receives (strings). `z.encode(schema, value)` turns the
// one into the other, and the OpenAPI document shows the input side.
import { z } from "zod";

/** A moment: a Date in the service, an ISO 8601 UTC timestamp in JSON. */
export const timestamp = z.codec(z.iso.datetime(), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});
