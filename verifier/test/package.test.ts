// What a user installs: the package packed as it is published, installed from
// its tarball into a project outside this repository, and used from
// TypeScript by an ES module and by a CommonJS module (require(esm), Node
// 20.19+), both run with plain `node`. The issuer is the packed test issuer:
// real keys, discovery and JWKS over HTTP, real signed tokens.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { scratchProject, type ScratchProject } from "../../scripts/scratch-project.js";

// An Express service, as in the README: req.auth is typed by the package's declaration merging.
const ESM_CONSUMER = `
import express from "express";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { AuthError, createVerifier, type Principal } from "@authbridge/verifier";
import { authErrorHandler, requireAuth } from "@authbridge/verifier/express";
import { startTestIssuer } from "@authbridge/verifier/testing";

const audience = "https://api.example.com";
const issuer = await startTestIssuer({ audience });
const verifier = createVerifier({ issuer: issuer.issuer, audience });
const app = express();
app.get("/me", requireAuth(verifier), (req, res) => {
  const sub: string | undefined = req.auth?.sub;
  res.json({ sub });
});
app.use(authErrorHandler({ realm: "consumer" }));
const server = app.listen(0, "127.0.0.1");
await once(server, "listening");
const url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/me\`;

const token = await issuer.mint({ sub: "user-esm" });
const accepted = await fetch(url, { headers: { authorization: \`Bearer \${token}\` } });
const refused = await fetch(url);
const principal: Principal = await verifier.verify(token);
const code = await verifier.verify(\`\${token}x\`).then(() => "accepted", (error: unknown) => (error instanceof AuthError ? error.code : "not an AuthError"));
console.log(JSON.stringify({
  accepted: { status: accepted.status, body: await accepted.json() },
  refused: { status: refused.status, challenge: refused.headers.get("www-authenticate") },
  sub: principal.sub,
  code,
}));
server.close();
await issuer.stop();
`;

const CJS_CONSUMER = `
import { createVerifier, InvalidTokenError } from "@authbridge/verifier";
import { startTestIssuer } from "@authbridge/verifier/testing";

async function main(): Promise<void> {
  const audience = "https://api.example.com";
  const issuer = await startTestIssuer({ audience });
  const verifier = createVerifier({ issuer: issuer.issuer, audience });
  const token = await issuer.mint({ sub: "user-cjs" });
  const first = await verifier.authenticate({ authorization: [\`Bearer \${token}\`] });
  const again = verifier.authenticate({ authorization: [\`Bearer \${token}\`] });
  const now = Math.floor(Date.now() / 1000);
  const expired = await verifier.verify(await issuer.mint({ iat: now - 960, exp: now - 60 })).then(
    () => "accepted",
    (error: unknown) => (error instanceof InvalidTokenError ? error.code : "not an InvalidTokenError"),
  );
  console.log(JSON.stringify({ sub: first.sub, synchronous: !(again instanceof Promise), expired }));
  await issuer.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

describe("the packed @authbridge/verifier in a project of its own", () => {
  let project: ScratchProject;
  beforeAll(async () => {
    project = await scratchProject("verifier", ["typescript@5.9.3", "@types/node@20.19.43", "express@5.3.0", "@types/express@5.0.6"]);
    await project.write({ "esm.mts": ESM_CONSUMER, "cjs.cts": CJS_CONSUMER });
    await project.compile();
  }, 240_000);
  afterAll(() => project?.remove());

  it("holds the built code and its declarations, the README, the changelog and the license; no sources, no tests, no development condition", async () => {
    const { files, manifest } = await project.installed("@authbridge/verifier");
    expect(files.filter((file) => !file.startsWith("dist/"))).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "package.json"]);
    expect(files).toEqual(expect.arrayContaining(["dist/core/index.js", "dist/core/index.d.ts", "dist/express/index.js", "dist/express/index.d.ts", "dist/testing/index.js", "dist/revocation/index.js"]));
    expect(files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))).toEqual([]);
    expect(JSON.stringify(manifest.exports)).not.toContain("source");
    expect(manifest).not.toHaveProperty("scripts");
    expect(manifest).not.toHaveProperty("private");
  });

  it("serves an ES module: the Express adapter with req.auth typed, verify, the error classes", async () => {
    const { stdout, stderr } = await project.run("esm.mjs");
    expect(JSON.parse(stdout)).toEqual({
      accepted: { status: 200, body: { sub: "user-esm" } },
      refused: { status: 401, challenge: 'Bearer realm="consumer"' },
      sub: "user-esm",
      code: "token_invalid",
    });
    expect(stderr).toBe("");
  });

  it("serves a CommonJS module through require(), with no flag and no warning", async () => {
    expect(await readFile(path.join(project.dir, "cjs.cjs"), "utf8")).toContain('require("@authbridge/verifier")');
    const { stdout, stderr } = await project.run("cjs.cjs");
    expect(JSON.parse(stdout)).toEqual({ sub: "user-cjs", synchronous: true, expired: "token_expired" });
    expect(stderr).toBe("");
  });
});
