// What a user installs: the package packed as it is published, installed from
// its tarball into a project outside this repository, and used from
// TypeScript by an ES module and by a CommonJS module (require(esm), Node
// 20.19+), both run with plain `node` against both real services.
import { signedInCookie, startServices, type RunningServices } from "@authbridge/devstack/testing";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { scratchProject, type ScratchProject } from "../../scripts/scratch-project.js";

const ESM_CONSUMER = `
import { ApiClient, AuthenticationError, NotFoundError, type Post } from "@authbridge/client";

const { API_URL: apiUrl = "", AUTH_URL: authUrl = "", COOKIE: cookie = "" } = process.env;
const api = new ApiClient({ apiUrl, authUrl, authHeaders: () => ({ cookie }) });
const me = await api.users.me();
const post: Post = await api.posts.create({ title: "From a package", body: "Installed from its tarball" });
const missing = await api.posts.get("01900000-0000-7000-8000-000000000000").then(
  () => "found",
  (error: unknown) => (error instanceof NotFoundError ? error.code : "not a NotFoundError"),
);
const anonymous = new ApiClient({ apiUrl, authUrl, session: false });
const refused = await anonymous.users.me().then(
  () => "accepted",
  (error: unknown) => (error instanceof AuthenticationError ? error.code : "not an AuthenticationError"),
);
console.log(JSON.stringify({ name: me.name, title: post.title, missing, refused }));
`;

const CJS_CONSUMER = `
import { ApiClient, ValidationError } from "@authbridge/client";

async function main(): Promise<void> {
  const { API_URL: apiUrl = "", AUTH_URL: authUrl = "", COOKIE: cookie = "" } = process.env;
  const api = new ApiClient({ apiUrl, authUrl, authHeaders: () => ({ cookie }) });
  const me = await api.users.me();
  const page = await api.posts.list({ author: me.id });
  const invalid = await api.posts.create({ title: "", body: "x" }).then(
    () => [],
    (error: unknown) => (error instanceof ValidationError ? error.fieldErrors.map((entry) => entry.field) : ["not a ValidationError"]),
  );
  console.log(JSON.stringify({ name: me.name, titles: page.items.map((item) => item.title), invalid }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

describe("the packed @authbridge/client in a project of its own", () => {
  let project: ScratchProject;
  let services: RunningServices;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // The services start while the package is packed and installed; whichever started is stopped in afterAll.
    const [packed, started] = await Promise.allSettled([scratchProject("client", ["typescript@5.9.3", "@types/node@20.19.43"]), startServices()]);
    if (packed.status === "fulfilled") project = packed.value;
    if (started.status === "fulfilled") services = started.value;
    for (const result of [packed, started]) if (result.status === "rejected") throw result.reason;
    await project.write({ "esm.mts": ESM_CONSUMER, "cjs.cts": CJS_CONSUMER });
    await project.compile();
    const cookie = await signedInCookie(services.authUrl, `packed.${process.pid}@example.com`, "Packed");
    env = { API_URL: services.apiUrl, AUTH_URL: services.authUrl, COOKIE: cookie };
  }, 240_000);
  afterAll(async () => {
    await project?.remove();
    await services?.stop();
  });

  it("holds the built code and its declarations, the README, the changelog and the license; no sources, no tests, no development condition", async () => {
    const { files, manifest } = await project.installed("@authbridge/client");
    expect(files.filter((file) => !file.startsWith("dist/"))).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
    expect(files).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts"]));
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    expect(JSON.stringify(manifest.exports)).not.toContain("source");
    expect(manifest).not.toHaveProperty("scripts");
    expect(manifest).not.toHaveProperty("private");
  });

  it("serves an ES module: a signed-in client, and the typed errors", async () => {
    const { stdout, stderr } = await project.run("esm.mjs", env);
    expect(JSON.parse(stdout)).toEqual({ name: "Packed", title: "From a package", missing: "not_found", refused: "token_missing" });
    expect(stderr).toBe("");
  });

  it("serves a CommonJS module through require(), with no flag and no warning", async () => {
    expect(await readFile(path.join(project.dir, "cjs.cjs"), "utf8")).toContain('require("@authbridge/client")');
    const { stdout, stderr } = await project.run("cjs.cjs", env);
    expect(JSON.parse(stdout)).toEqual({ name: "Packed", titles: expect.any(Array), invalid: ["title"] });
    expect(stderr).toBe("");
  });
});
