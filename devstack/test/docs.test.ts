// What the documents say about the machine the project runs on, checked
// against the repository.
import { describe, expect, it } from "@jest/globals";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

describe("the README on what npm test needs", () => {
  const readme = read("README.md");
  const testFiles = ["auth-service", "resource-service", "devstack", "reliability", "demo", "client", "verifier", "contracts", "examples/express-service"].flatMap((workspace) => {
    const dir = path.join(root, workspace, "test");
    try {
      return readdirSync(dir).filter((name) => name.endsWith(".test.ts")).map((name) => `${workspace}/test/${name}`);
    } catch {
      return [];
    }
  });
  const using = (pattern: RegExp) => testFiles.filter((file) => pattern.test(read(file)));
  const section = /## Running the stack\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";

  it("says next to the command that it needs Redis and Chromium, not only Node.js", () => {
    const command = readme.split("\n").find((line) => line.startsWith("npm test")) ?? "";
    expect(command).toMatch(/Redis/);
    expect(command).toMatch(/Chromium/);
    expect(section).not.toMatch(/Node\.js 20\.19 or newer is required; nothing else/);
  });

  it("names every test that needs Redis, and every test that needs Chromium", () => {
    const redis = using(/redis:\/\/127\.0\.0\.1:6379|startFleet\(/);
    const chromium = using(/launchChromium\(/);
    expect(redis.length).toBeGreaterThanOrEqual(6);
    expect(chromium.length).toBeGreaterThanOrEqual(1);
    const named = (file: string) => section.includes(`\`${file}\``) || (file.startsWith("reliability/test/") && section.includes("`reliability/test/*.test.ts`"));
    expect({ unnamed: [...redis, ...chromium].filter((file) => !named(file)) }).toEqual({ unnamed: [] });
  });
});

const text = read("RELIABILITY.md");

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
