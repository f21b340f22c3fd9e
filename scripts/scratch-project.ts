// A project outside this repository (in the system's temporary folder) that
// installs a workspace package from the tarball it is published as, the way a
// user would, then compiles TypeScript against it and runs the result with
// plain `node`: for the packages' tests of what they ship.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The environment of a child outside the repository: without npm's own
 * variables (an `npm test -w <workspace>` run would otherwise point the
 * project's npm at a workspace it does not have) and without NODE_OPTIONS.
 */
function outsideEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") && name !== "NODE_OPTIONS"));
  return { ...env, ...extra };
}

async function exec(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }> {
  try {
    return await execFileAsync(file, args, { cwd: options.cwd, env: outsideEnv(options.env), timeout: options.timeoutMs ?? 90_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error: unknown) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${path.basename(file)} ${args.join(" ")} failed in ${options.cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** A user's strict TypeScript project on Node.js, with the declarations of every package checked: ours must compile in it. */
const TSCONFIG = {
  compilerOptions: { module: "nodenext", target: "es2022", strict: true, skipLibCheck: false, noEmitOnError: true, types: ["node"] },
};

export interface ScratchProject {
  dir: string;
  /** The package's tarball, as `npm publish` would take it. */
  tarball: string;
  /** Writes files, by path relative to the project. */
  write(files: Record<string, string>): Promise<void>;
  /** An installed package's files (relative paths) and package.json. */
  installed(name: string): Promise<{ files: string[]; manifest: Record<string, unknown> }>;
  /** Compiles the project (.mts and .cts files; a strict tsconfig.json) with its own TypeScript; throws with the compiler's output on an error. */
  compile(): Promise<void>;
  /** Runs a compiled file with plain `node`, no flags; resolves with its output, rejects when it fails. */
  run(file: string, env?: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/**
 * Packs the workspace package in `packageDir` (scripts/package.mjs: built,
 * staged, `npm pack`), creates a project in the system's temporary folder and
 * installs the tarball there with `dependencies` (exact versions, from npm's
 * cache where it has them).
 *
 * @example
 * const project = await scratchProject("verifier", ["typescript@5.9.3", "@types/node@20.19.43"]);
 * await project.write({ "main.mts": "..." });
 * await project.compile();
 * const { stdout } = await project.run("main.mjs");
 */
export async function scratchProject(packageDir: string, dependencies: readonly string[]): Promise<ScratchProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "authbridge-consumer-"));
  try {
    const packed = await exec(process.execPath, [path.join(root, "scripts", "package.mjs"), "pack", path.resolve(root, packageDir), dir], { cwd: root, timeoutMs: 120_000 });
    const tarball = packed.stdout.trim().split("\n").at(-1) ?? "";
    await writeFile(path.join(dir, "package.json"), `${JSON.stringify({ name: "authbridge-consumer", private: true, version: "1.0.0" }, null, 2)}\n`);
    await writeFile(path.join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", tarball, ...dependencies], { cwd: dir, timeoutMs: 120_000 });
    return {
      dir,
      tarball,
      async write(files) {
        for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
      },
      async installed(name) {
        const folder = path.join(dir, "node_modules", name);
        const entries = await readdir(folder, { recursive: true, withFileTypes: true });
        const files = entries.filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)));
        return { files: files.sort(), manifest: JSON.parse(await readFile(path.join(folder, "package.json"), "utf8")) as Record<string, unknown> };
      },
      async compile() {
        await exec(process.execPath, [path.join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", "."], { cwd: dir });
      },
      run: (file, env) => exec(process.execPath, [file], { cwd: dir, ...(env ? { env } : {}), timeoutMs: 30_000 }),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error: unknown) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
