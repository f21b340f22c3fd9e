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
  const testFiles = ["auth-service", "resource-service", "devstack", "demo", "client", "verifier", "contracts", "examples/express-service"].flatMap((workspace) => {
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
    const redis = using(/redis:\/\/127\.0\.0\.1:6379|startFleet\(|startPrivateRedis\(/);
    const chromium = using(/launchChromium\(/);
    expect(redis.length).toBeGreaterThanOrEqual(6);
    expect(chromium.length).toBeGreaterThanOrEqual(1);
    const named = (file: string) => section.includes(`\`${file}\``) || (/reliability-/.test(file) && section.includes("`devstack/test/reliability-*.test.ts`"));
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

describe("the links between the documents", () => {
  const documents = ["README.md", "RELIABILITY.md", "verifier/README.md", "client/README.md", "examples/nextjs-app/README.md", ...readdirSync(path.join(root, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-");
  const anchors = (file: string) => {
    const text = read(file).replace(/```[\s\S]*?```/g, "");
    return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((match) => slug(match[1] ?? "")));
  };

  it.each(documents)("every relative link of %s leads to a file that exists, and to a heading it has", (file) => {
    const text = read(file).replace(/```[\s\S]*?```/g, "");
    const broken: string[] = [];
    for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue;
      const [relative = "", anchor] = target.split("#");
      const resolved = relative ? path.join(path.dirname(file), relative) : file;
      let exists = true;
      try {
        readdirSync(path.join(root, resolved));
      } catch {
        try {
          read(resolved);
        } catch {
          exists = false;
        }
      }
      if (!exists) broken.push(`${target} (no ${resolved})`);
      else if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) broken.push(`${target} (no heading #${anchor} in ${resolved})`);
    }
    expect(broken).toEqual([]);
  });
});
