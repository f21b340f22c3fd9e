// parseUtcTimestamp (postgres.ts): the pool's reader of `timestamp` columns
// must give exactly the instant the Date parser gives for the same text, on
// the shape PostgreSQL writes and on every shape it does not.
import { describe, expect, it } from "@jest/globals";
import { parseUtcTimestamp } from "../src/postgres.js";

const byDateParser = (text: string) => new Date(`${text.replace(" ", "T")}Z`).getTime();

/** A deterministic sequence (mulberry32), so a failure names a reproducible value. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, "0");

describe("parseUtcTimestamp", () => {
  it("reads 5,000 random timestamps of PostgreSQL's ISO output as the Date parser does, with 0 to 6 fraction digits", () => {
    const random = seeded(20261207);
    for (let index = 0; index < 5_000; index += 1) {
      const digits = Math.floor(random() * 7);
      const fraction = digits === 0 ? "" : `.${pad(Math.floor(random() * 10 ** digits), digits)}`;
      const text = `${pad(100 + Math.floor(random() * 9_900), 4)}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)} ${pad(Math.floor(random() * 24), 2)}:${pad(Math.floor(random() * 60), 2)}:${pad(Math.floor(random() * 60), 2)}${fraction}`;
      expect({ text, time: parseUtcTimestamp(text).getTime() }).toEqual({ text, time: byDateParser(text) });
    }
  });

  it.each([
    "1970-01-01 00:00:00",
    "2026-12-07 02:18:17.1",
    "2026-12-07 02:18:17.123456",
    "2000-02-29 23:59:59.999",
    "2001-02-29 00:00:00",
    "0099-01-01 00:00:00",
    "0001-01-01 00:00:00",
    "2026-12-07 24:00:00",
    "2026-13-07 02:18:17",
    "2026-12-07 02:18:60",
    "2026-12-07 02:18:17.",
    "2026-12-07 02:18:17.12x",
    "2026-12-07 02:18:17 BC",
    "12026-12-07 02:18:17",
    "infinity",
    "-infinity",
    "",
  ])("reads %j as the Date parser does", (text) => {
    expect(parseUtcTimestamp(text).getTime()).toEqual(byDateParser(text));
  });
});
