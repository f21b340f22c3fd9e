// The type of every string field a request brings: text PostgreSQL can store
// (service-kit's isStorableText: no NUL, no unpaired surrogate). What it
// cannot store is refused with 422, naming the field, before a query fails on
// it with a 500.
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from "@authbridge/service-kit";
import { z } from "zod";

/**
 * A string PostgreSQL can store. Add limits and transforms as to any
 * z.string(); they are not checked once this fails, so the field gets this
 * one message.
 */
export function text() {
  return z.string().refine(isStorableText, { error: UNSTORABLE_TEXT_MESSAGE, abort: true });
}
