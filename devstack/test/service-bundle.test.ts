// How `npm start` builds a service: its own code in server.mjs with a source
// map, npm packages in chunks beside it, and a build kept until one of its
// inputs changes.
import { describe, expect, it } from "@jest/globals";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, utimes } from "node:fs/promises";
import path from "node:path";
import { bundleCacheDir, bundleService } from "../src/service-bundle.js";
import { packageEntry } from "../src/service-process.js";

/** Every module a built file imports, statically or dynamically. */
function importsOf(code: string): string[] {
  const found = [...code.matchAll(/\bfrom\s*"([^"]+)"/g), ...code.matchAll(/\bimport\s*\(\s*"([^"]+)"\s*\)/g), ...code.matchAll(/^import\s*"([^"]+)"/gm)];
  return [...new Set(found.map((match) => match[1] ?? ""))];
}

describe("bundleService", () => {
  it("puts the service's own code in server.mjs with a source map, and npm packages in chunks without one", async () => {
    const entry = await bundleService("demo");
    const dir = path.dirname(entry);
    const imports = importsOf(await readFile(entry, "utf8"));
    // npm code comes from the chunks; only Node's modules and esbuild (a native binary) load from elsewhere.
    expect(imports.filter((name) => !/^node:|^\.\/npm-[A-Z0-9]+\.mjs$|^esbuild$/.test(name))).toEqual([]);
    expect(imports.some((name) => name.startsWith("./npm-"))).toBe(true);
    const map = JSON.parse(await readFile(`${entry}.map`, "utf8")) as { sources: string[] };
    expect(map.sources.map((source) => path.resolve(dir, source))).toContain(packageEntry("demo"));
    expect(map.sources.filter((source) => source.includes("node_modules"))).toEqual([]);
    const chunks = (await readdir(dir)).filter((name) => name.startsWith("npm-"));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) {
      expect(chunk).toMatch(/^npm-[A-Z0-9]+\.mjs$/);
      expect(await readFile(path.join(dir, chunk), "utf8")).not.toContain("sourceMappingURL");
    }
  });

  it("reuses a build while nothing it was made from changed, builds again when a source changes, and removes builds an hour old", async () => {
    const first = await bundleService("demo");
    expect(await bundleService("demo")).toBe(first);

    const stale = path.join(bundleCacheDir("demo"), "build-from-long-ago");
    await mkdir(stale, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    // A source file of the demo changes (its time is enough).
    const source = path.join(path.dirname(packageEntry("demo")), "config.ts");
    const now = new Date();
    await utimes(source, now, now);

    const second = await bundleService("demo");
    expect(second).not.toBe(first);
    expect(await bundleService("demo")).toBe(second);
    // The build it replaced stays for a stack that may be running from it; the old one is gone.
    expect(existsSync(first)).toBe(true);
    expect(existsSync(stale)).toBe(false);
  });
});
