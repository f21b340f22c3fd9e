// Packs a publishable workspace package (@authbridge/verifier,
// @authbridge/client) the one way it is published, and lints it:
//
//   node scripts/package.mjs check <package dir>                  build, stage, publint, attw
//   node scripts/package.mjs pack <package dir> <destination>     build, stage, npm pack; prints the tarball's path
//
// It builds the package afresh (tsc -p tsconfig.build.json into an emptied
// dist/), then stages what `npm pack` takes from the package folder in a
// temporary folder, with the package.json a consumer gets: without the
// `source` export conditions, which point to TypeScript sources that are not
// published (this repository's workspaces run from them; a consumer's project
// resolving with a `source` condition of its own would fail on them), and
// without scripts and devDependencies. Publish the tarball `pack` prints:
// npm publish <tarball>.
import { execFileSync } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (file, args, cwd) => execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

/** The exports map without `source` conditions, at any depth. */
function withoutSource(exports) {
  if (typeof exports !== "object" || exports === null) return exports;
  return Object.fromEntries(Object.entries(exports).filter(([key]) => key !== "source").map(([key, value]) => [key, withoutSource(value)]));
}

async function build(dir) {
  await rm(path.join(dir, "dist"), { recursive: true, force: true });
  run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], dir);
}

/** Builds the package and copies what npm would pack into a new temporary folder; returns it. */
async function stage(dir) {
  await build(dir);
  const [listing] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], dir));
  const staged = await mkdtemp(path.join(os.tmpdir(), "authbridge-package-"));
  for (const { path: file } of listing.files) {
    if (file !== "package.json") await cp(path.join(dir, file), path.join(staged, file));
  }
  const { scripts: _scripts, devDependencies: _devDependencies, ...manifest } = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
  await writeFile(path.join(staged, "package.json"), `${JSON.stringify({ ...manifest, exports: withoutSource(manifest.exports) }, null, 2)}\n`);
  return staged;
}

const [command, packageDir, destination] = process.argv.slice(2);
if (!packageDir || !["check", "pack"].includes(command) || (command === "pack" && !destination)) {
  process.stderr.write("Usage: node scripts/package.mjs check <package dir> | pack <package dir> <destination dir>\n");
  process.exit(2);
}
const staged = await stage(path.resolve(packageDir));
try {
  if (command === "check") {
    process.stdout.write(run(bin("publint"), [staged, "--strict"], root));
    // esm-only: these packages are ES modules; CommonJS callers require() them
    // on Node 20.19+ / 22.12+, which attw's TypeScript (5.6) does not model yet.
    process.stdout.write(run(bin("attw"), ["--pack", staged, "--profile", "esm-only", "--format", "table-flipped", "--no-color"], root));
  } else {
    const [packed] = JSON.parse(run("npm", ["pack", staged, "--json", "--pack-destination", path.resolve(destination)], root));
    process.stdout.write(`${path.join(path.resolve(destination), packed.filename)}\n`);
  }
} finally {
  await rm(staged, { recursive: true, force: true });
}
