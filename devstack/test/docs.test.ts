// RELIABILITY.md's numbers are only as good as the description of the machine
// they were measured on: its cores, memory and load, stated as such, not by
// what else happened to run there.
import { expect, it } from "@jest/globals";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const text = readFileSync(fileURLToPath(new URL("../../RELIABILITY.md", import.meta.url)), "utf8");

it("describes the measuring machine by its cores, memory and load average", () => {
  expect(text).toMatch(/2 cores/);
  expect(text).toMatch(/24 GB/);
  expect(text).toMatch(/load averages? (of )?\d/);
});

it("does not describe it by who else was using it", () => {
  const whoElse = /(?<!User-)\bagents?\b|\bhelpers?\b|\bwith other sessions\b|\bshared (with|machine)\b/i;
  const sentences = text.split(/(?<=[.:])\s+/).filter((sentence) => whoElse.test(sentence));
  expect(sentences).toEqual([]);
});
