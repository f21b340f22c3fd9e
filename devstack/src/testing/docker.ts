// Static checks of the services' images and the compose stack (no Docker
// engine needed), shared by the tests next to what they check: each service's
// test/docker.test.ts (its Dockerfile, through describeImage) and the
// repository's test/compose.test.ts (docker-compose.yml and .dockerignore).
// Dockerfiles and docker-compose.yml are read as text and followed instruction
// by instruction: where each file in an image comes from (the build context,
// a build, an install), which stage runs what, as which user.
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { parse } from "yaml";
import { repoRoot as root } from "../databases.js";
import { dockerfileInstructions, finalRuntime, withoutFlags, words, type Instruction } from "../dockerfile.js";

/** The malloc settings glibc takes from the environment (its manual, "Memory Allocation Tunables"). */
const GLIBC_MALLOC_VARIABLES = new Set(["MALLOC_ARENA_MAX", "MALLOC_ARENA_TEST", "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_PERTURB_", "MALLOC_TOP_PAD_", "MALLOC_TRIM_THRESHOLD_"]);

export { words, type Instruction };

export const APP_DIR = "/app"; // where the Dockerfiles lay out the repository root
export const read = (file: string) => readFileSync(path.join(root, file), "utf8");
export const exists = (file: string) => existsSync(path.join(root, file));
export const json = <T>(file: string) => JSON.parse(read(file)) as T;
const within = (target: string, dir: string) => target === dir || target.startsWith(`${dir.replace(/\/$/, "")}/`);

/** Fails naming every item for which `check` is false. */
export function expectEvery<T>(what: string, items: T[], check: (item: T) => boolean): void {
  expect({ [what]: items.filter((item) => !check(item)) }).toEqual({ [what]: [] });
}

// ---------------------------------------------------------------------------------------------
// The workspaces

export type Dependencies = Record<string, string>;
export interface PackageJson {
  name: string;
  main?: string;
  exports?: Record<string, string | Record<string, string>>;
  workspaces?: string[];
  scripts?: Record<string, string>;
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
  peerDependencies?: Dependencies;
}

export const rootPackage = json<PackageJson>("package.json");
export const workspaceDirs = rootPackage.workspaces ?? [];
export const packageOf = (dir: string) => json<PackageJson>(path.posix.join(dir, "package.json"));

/** The workspace directory an `npm --workspace` argument names (by directory or by package name). */
export function workspaceDir(arg: string): string | undefined {
  return workspaceDirs.find((dir) => dir === arg.replace(/\/$/, "") || packageOf(dir).name === arg);
}

/** The workspace arguments (--workspace X, --workspace=X, -w X) of an npm command. */
export const workspaceArgs = (command: string) => [...command.matchAll(/(?:--workspace[= ]|-w )(\S+)/g)].map(([, arg = ""]) => arg);

/** The workspace's tsconfig.build.json rootDir and outDir. */
export function buildDirs(dir: string): { rootDir: string; outDir: string } {
  const { compilerOptions } = json<{ compilerOptions: { rootDir?: string; outDir?: string } }>(path.posix.join(dir, "tsconfig.build.json"));
  return { rootDir: compilerOptions.rootDir ?? "src", outDir: compilerOptions.outDir ?? "dist" };
}

/** The workspace libraries (@authbridge/*) a workspace depends on at run time, transitively. */
export function libraries(dir: string, seen = new Set<string>()): string[] {
  for (const name of Object.keys(packageOf(dir).dependencies ?? {}).filter((dep) => dep.startsWith("@authbridge/"))) {
    const lib = workspaceDir(name);
    if (lib !== undefined && !seen.has(lib)) libraries(lib, seen.add(lib));
  }
  return [...seen];
}

const builtins = new Set(builtinModules);
/** The package a bare import specifier names, or undefined for relative paths and Node built-ins. */
function packageName(specifier: string): string | undefined {
  if (/^(\.|\/|#|node:)/.test(specifier) || builtins.has(specifier.split("/")[0] ?? "")) return undefined;
  return specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
}

// `import type` and `export type` are erased; everything else (even `import { type X }`, under
// verbatimModuleSyntax) is loaded at run time.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?|[\w$]+)\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** The packages that TypeScript files import at run time, following relative imports of `.ts` files. */
export function importedPackages(files: string[]): Set<string> {
  const packages = new Set<string>();
  const seen = new Set(files);
  for (const file of seen) {
    const text = read(file);
    for (const [, specifier = ""] of [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]) {
      const name = packageName(specifier);
      const local = path.posix.join(path.posix.dirname(file), specifier);
      if (name !== undefined) packages.add(name);
      else if (local.endsWith(".ts") && exists(local)) seen.add(local); // a Set iterates over what is added while iterating
    }
  }
  return packages;
}

/** A workspace's non-test TypeScript sources (including a generated Prisma client, if generated). */
export function sources(dir: string): string[] {
  const src = path.posix.join(dir, buildDirs(dir).rootDir);
  return (readdirSync(path.join(root, src), { recursive: true, encoding: "utf8" }) as string[])
    .map((file) => path.posix.join(src, file.split(path.sep).join("/")))
    .filter((file) => /\.ts$/.test(file) && !/\.(test|d)\.ts$/.test(file));
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

export interface Command extends Instruction { text: string }
/** Where a path in an image comes from. */
export type Origin =
  | { kind: "context"; file: string }
  | { kind: "build"; workspace: string; stage: string; index: number }
  | { kind: "install"; command: string; stage: string; index: number };

const GLOB: Record<string, string> = { "**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]" };
/** Whether .dockerignore keeps `file` (a path from the repository root) out of the build context. */
export function dockerignored(file: string): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.split(/(\*\*\/|\*\*|\*|\?)/).map((part) => GLOB[part] ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("")}(?:/.*)?$`);
  const patterns = read(".dockerignore").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  return patterns.reduce((ignored, pattern) => (toRegExp(pattern.replace(/^!/, "").replace(/^\/|\/$/g, "")).test(file) ? !pattern.startsWith("!") : ignored), false);
}

export class Dockerfile {
  readonly instructions: Instruction[];
  readonly stages: string[];
  readonly commands: Command[];
  private readonly parents: Map<string, string>;

  constructor(readonly file: string) {
    this.instructions = dockerfileInstructions(read(file));
    const froms = this.instructions.filter((i) => i.keyword === "FROM");
    this.stages = froms.map((i) => i.stage);
    this.parents = new Map(froms.map((i) => [i.stage, withoutFlags(i.args).split(/\s+/)[0] ?? ""]));
    this.commands = this.instructions.filter((i) => i.keyword === "RUN" || i.keyword === "CMD").map((i) => ({ ...i, text: words(i.args).join(" ") }));
  }

  get final(): string {
    return this.stages.at(-1) ?? "";
  }

  last(stage: string, keyword: string): Instruction | undefined {
    return this.instructions.filter((i) => i.stage === stage && i.keyword === keyword).at(-1);
  }

  /** The stage and the stages it is built FROM. */
  chain(stage: string): string[] {
    const chain: string[] = [];
    for (let s: string | undefined = stage; s !== undefined && this.parents.has(s) && !chain.includes(s); s = this.parents.get(s)) chain.push(s);
    return chain;
  }

  /** The files and directories COPY/ADD takes from the build context. */
  get contextSources(): string[] {
    return this.instructions
      .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args))
      .flatMap((i) => words(withoutFlags(i.args)).slice(0, -1));
  }

  /** The npm workspace the image is for: the one its `npm ci` commands install. */
  get workspace(): string | undefined {
    const installed = new Set(this.commands.filter((c) => /\bnpm ci\b/.test(c.text)).flatMap((c) => workspaceArgs(c.text)).map(workspaceDir));
    return installed.size === 1 ? [...installed][0] : undefined;
  }

  /** Where `target` (an absolute path) in `stage` comes from, as of the instruction numbered `before`. */
  origin(stage: string, target: string, before = Number.POSITIVE_INFINITY): Origin | undefined {
    const chain = this.chain(stage);
    const candidates = this.instructions.filter((i) => chain.includes(i.stage) && i.index < before).reverse();
    for (const instruction of candidates) {
      const origin = this.originIn(instruction, target);
      if (origin !== undefined) return origin;
    }
    return undefined;
  }

  private originIn(i: Instruction, target: string): Origin | undefined {
    if (i.keyword === "RUN") {
      const command = words(i.args).join(" ");
      if (/\bnpm ci\b/.test(command) && within(target, path.posix.join(i.workdir, "node_modules"))) return { kind: "install", command, stage: i.stage, index: i.index };
      if (!/\bnpm run build\b/.test(command)) return undefined;
      const workspace = workspaceArgs(command).map(workspaceDir).find((dir) => dir !== undefined && within(target, path.posix.join(i.workdir, dir, buildDirs(dir).outDir)));
      return workspace === undefined ? undefined : { kind: "build", workspace, stage: i.stage, index: i.index };
    }
    if (i.keyword !== "COPY" && i.keyword !== "ADD") return undefined;
    const from = /--from=(\S+)/.exec(i.args)?.[1];
    const parts = words(withoutFlags(i.args));
    const [dest = "", sources] = [parts.at(-1), parts.slice(0, -1)];
    const destPath = path.posix.resolve(i.workdir, dest);
    // A directory's contents land in dest; a file lands at dest, or in it when dest ends with "/".
    const fileTarget = (source: string) => (dest.endsWith("/") || sources.length > 1 ? path.posix.join(destPath, path.posix.basename(source)) : destPath);
    for (const source of sources) {
      const candidates = [
        within(target, destPath) ? path.posix.join(source, path.posix.relative(destPath, target)) : undefined,
        fileTarget(source) === target ? source : undefined,
      ];
      for (const candidate of candidates.filter((c) => c !== undefined)) {
        if (from !== undefined) {
          const origin = this.origin(from, path.posix.resolve("/", candidate));
          if (origin !== undefined) return origin;
        } else if (exists(source) && exists(candidate) && !dockerignored(candidate.replace(/\/$/, ""))) {
          const isDirectory = statSync(path.join(root, source)).isDirectory();
          if (isDirectory ? within(candidate, source.replace(/\/$/, "")) : candidate === source) return { kind: "context", file: path.posix.normalize(candidate) };
        }
      }
    }
    return undefined;
  }

  /** The repository file that the build context puts at `target` in `stage` (before instruction `before`). */
  contextFile(stage: string, target: string, before?: number): string | undefined {
    const origin = this.origin(stage, target, before);
    return origin?.kind === "context" ? origin.file : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

export interface Build { context?: string; dockerfile?: string; target?: string }
export interface Service {
  image?: string;
  build?: string | Build;
  command?: string | string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
  environment?: Record<string, string | null>;
  ports?: string[];
  restart?: string;
  container_name?: string;
}

export const composeText = read("docker-compose.yml");
export const compose = parse(composeText) as { services: Record<string, Service> };
export const services = Object.entries(compose.services);
export const service = (name: string): Service => compose.services[name] ?? {};
export const buildOf = ({ build }: Service): Build | undefined => (build === undefined ? undefined : typeof build === "string" ? { context: build } : build);
export const dockerfilePath = (build: Build) => path.posix.join(build.context ?? ".", build.dockerfile ?? "Dockerfile");
export const env = (name: string, variable: string) => service(name).environment?.[variable] ?? undefined;
export const oneShot = (name: string) => service(name).restart === "no" && services.some(([, s]) => s.depends_on?.[name]?.condition === "service_completed_successfully");
/** The container port a service publishes ("4000:4000", "127.0.0.1:4000:4000/tcp"). */
export const containerPorts = (svc: Service) => (svc.ports ?? []).map((port) => String(port).replace(/\/\w+$/, "").split(":").at(-1) ?? "");

/** One image per Dockerfile that compose builds: the service running its final stage, and the others (migrations). */
export interface Image { dockerfile: Dockerfile; workspace: string; runtime: string; others: string[] }
export const images: Image[] = [...new Set(services.flatMap(([, svc]) => { const build = buildOf(svc); return build ? [dockerfilePath(build)] : []; }))]
  .filter(exists)
  // The examples' images are no services of the stack: their own tests check them (examples/nextjs-app/test/docker.test.ts).
  .filter((file) => !file.startsWith("examples/"))
  .map((file) => {
    const dockerfile = new Dockerfile(file);
    const users = services.filter(([, svc]) => { const build = buildOf(svc); return build !== undefined && dockerfilePath(build) === file; });
    const isRuntime = ([, svc]: [string, Service]) => [undefined, dockerfile.final].includes(buildOf(svc)?.target);
    return {
      dockerfile,
      workspace: dockerfile.workspace ?? `(no single workspace installed by ${file})`,
      runtime: users.find(isRuntime)?.[0] ?? `(no service runs ${file}'s final stage)`,
      others: users.filter((user) => !isRuntime(user)).map(([name]) => name),
    };
  });

/** The Prisma config files a command uses, directly or through the npm scripts it runs. */
export function prismaConfigs(command: Command, dockerfile: Dockerfile): string[] {
  const scripts = [...command.text.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map(([, name = ""]) => {
    const workspace = workspaceArgs(command.text)[0];
    const manifest = dockerfile.contextFile(command.stage, path.posix.resolve(workspace ? path.posix.join(APP_DIR, workspaceDir(workspace) ?? workspace) : command.workdir, "package.json"));
    return manifest === undefined ? "" : (json<PackageJson>(manifest).scripts?.[name] ?? "");
  });
  return [command.text, ...scripts].flatMap((text) => [...text.matchAll(/\bprisma\b.*?--config[= ](\S+)/g)].map(([, file = ""]) => path.posix.resolve(command.workdir, file)));
}

// ---------------------------------------------------------------------------------------------

/**
 * The checks of one service's image: the Dockerfile that docker-compose.yml
 * builds for `workspace` (e.g. "auth-service"). Call it from the workspace's
 * test/docker.test.ts, next to the Dockerfile it checks.
 */
export function describeImage(workspace: string): void {
  const image = images.find((candidate) => candidate.workspace === workspace);
  describe(image?.dockerfile.file ?? `${workspace}'s image`, () => {
    if (!image) {
      it("is built by docker-compose.yml", () => {
        expect({ workspace, builtByCompose: false }).toEqual({ workspace, builtByCompose: true });
      });
      return;
    }
    const { dockerfile, runtime } = image;
    const final = dockerfile.final;
    const pkg = packageOf(workspace);
    const starts = finalRuntime(dockerfile.instructions);
    const baseImage = dockerfile.instructions.find((i) => i.keyword === "ARG" && i.args.startsWith("NODE_IMAGE="))?.args ?? "";

    it("is multi-stage; its final stage runs the workspace's compiled main (its ./server entry point), built from an existing source", () => {
      expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
      const cmd = dockerfile.last(final, "CMD");
      const [program, ...args] = words(cmd?.args ?? "[]");
      const script = args.find((arg) => !arg.startsWith("-")) ?? "";
      expect(program).toBe("node");
      const entry = path.posix.resolve(cmd?.workdir ?? "/", script);
      expect(entry).toBe(path.posix.join(APP_DIR, workspace, pkg.main ?? "index.js"));
      // The same file the stack and the tests start through the package's "./server" entry point, when compiled.
      const server = pkg.exports?.["./server"];
      expect(path.posix.normalize((typeof server === "string" ? server : server?.default) ?? "")).toBe(path.posix.normalize(pkg.main ?? ""));
      expect(dockerfile.origin(final, entry)).toMatchObject({ kind: "build", workspace });
      const { rootDir, outDir } = buildDirs(workspace);
      const source = path.posix.join(workspace, rootDir, path.posix.relative(path.posix.join(APP_DIR, workspace, outDir), entry)).replace(/\.js$/, ".ts");
      expectEvery("missing entry point sources", [source], exists);
    });

    it("starts node with flags and NODE_OPTIONS this Node accepts (the image's node is the same major version)", () => {
      const [, ...args] = starts.command;
      const flags = args.slice(0, args.findIndex((arg) => !arg.startsWith("-")));
      const nodeOptions = starts.env.NODE_OPTIONS ?? "";
      const imageMajor = /\bNODE_IMAGE=node:(\d+)/.exec(baseImage)?.[1];
      expect({ imageMajor }).toEqual({ imageMajor: process.versions.node.split(".")[0] });
      const run = spawnSync(process.execPath, [...flags, "-e", "0"], { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions }, encoding: "utf8" });
      expect({ flags, nodeOptions, status: run.status, stderr: run.stderr }).toEqual({ flags, nodeOptions, status: 0, stderr: "" });
    });

    it("tunes malloc only through variables glibc reads, with whole numbers, on a glibc base image", () => {
      // glibc ignores a misspelt name (most end in an underscore), and Alpine's musl all of them.
      const malloc = Object.entries(starts.env).filter(([name]) => name.startsWith("MALLOC_"));
      const unread = malloc.filter(([name, value]) => !GLIBC_MALLOC_VARIABLES.has(name) || !/^\d+$/.test(value));
      expect({ unread }).toEqual({ unread: [] });
      if (malloc.length > 0) expect({ baseImage, musl: /alpine/i.test(baseImage) }).toEqual({ baseImage, musl: false });
    });

    it("exposes the service's port (its config's default, ENV PORT, published and health-checked by compose), with a liveness HEALTHCHECK", () => {
      const configSource = read(path.posix.join(workspace, "src/config.ts"));
      const port = (/\bserviceEnvShape\((\d+)\)/.exec(configSource) ?? /\binteger\("PORT",\s*\d+,\s*\d+,\s*(\d+)\)/.exec(configSource))?.[1];
      expect(port).toBeDefined();
      const exposed = dockerfile.instructions.filter((i) => i.stage === final && i.keyword === "EXPOSE").flatMap((i) => words(i.args));
      expect(exposed).toEqual([port]);
      expect(dockerfile.last(final, "ENV")?.args).toMatch(new RegExp(`\\bPORT=${port}\\b`));
      expect(containerPorts(service(runtime))).toEqual([port]);
      expect([service(runtime).healthcheck?.test ?? []].flat().join(" ")).toContain(`http://127.0.0.1:${port}/readyz`);
      const healthcheck = words(dockerfile.last(final, "HEALTHCHECK")?.args.replace(/^.*?\bCMD\s+/, "") ?? ""); // exec form must be valid JSON
      expect(healthcheck.join(" ")).toMatch(new RegExp(`^node .*fetch\\(.*\\b${port}\\b.*/healthz`));
    });

    it("runs every stage that has a CMD (runtime, migrate) as a non-root user", () => {
      const runnable = dockerfile.stages.filter((stage) => dockerfile.last(stage, "CMD"));
      expect(runnable).toEqual(expect.arrayContaining([final, "migrate"]));
      expectEvery("stages running as root", runnable, (stage) => /^(?!root\b|0\b)\S+/.test(dockerfile.last(stage, "USER")?.args ?? "root"));
    });

    it("copies existing paths from a build context that .dockerignore keeps free of installs, builds, local state and secrets", () => {
      const copied = dockerfile.contextSources;
      expect(copied.length).toBeGreaterThan(0);
      expectEvery("missing COPY sources", copied, exists);
      expectEvery("COPY sources excluded by .dockerignore", copied, (source) => !dockerignored(source.replace(/\/$/, "")));
      const unwanted = ["node_modules", `${workspace}/node_modules`, `${workspace}/dist`, `${workspace}/src/generated/prisma/client.ts`, ".git", ".data", ".env", `${workspace}/.env.local`, "coverage", "artifacts", "npm-debug.log"];
      expectEvery("not excluded by .dockerignore", unwanted, dockerignored);
    });

    it("has every workspace's package.json, the lockfile and .npmrc in place before each npm ci, which runs no install script", () => {
      const installs = dockerfile.commands.filter((c) => /\bnpm (ci|install|i)\b/.test(c.text));
      expect(installs.length).toBeGreaterThan(0);
      expectEvery("installs that are not `npm ci --ignore-scripts`", installs, (c) => /\bnpm ci\b/.test(c.text) && c.text.includes("--ignore-scripts"));
      const needed = ["package.json", "package-lock.json", ".npmrc", ...workspaceDirs.map((dir) => `${dir}/package.json`)].filter(exists);
      const missing = installs.flatMap((c) => needed.filter((file) => dockerfile.contextFile(c.stage, path.posix.join(c.workdir, file), c.index) !== file).map((file) => `${c.stage}: ${file}`));
      expect(missing).toEqual([]);
    });

    it("has the package.json scripts and Prisma configs it runs copied in", () => {
      const npmRuns = dockerfile.commands.flatMap((c) => [...c.text.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map(([, name = ""]) => ({ ...c, name })));
      expect(npmRuns.map((run) => run.name)).toEqual(expect.arrayContaining(["prisma:generate", "build"]));
      expectEvery("npm scripts not in the image", npmRuns, ({ text, stage, workdir, index, name }) => {
        const workspaceArg = workspaceArgs(text)[0];
        const dir = workspaceArg === undefined ? path.posix.relative(APP_DIR, workdir) : workspaceDir(workspaceArg);
        const manifest = dir === undefined ? undefined : dockerfile.contextFile(stage, path.posix.join(APP_DIR, dir, "package.json"), index);
        return manifest !== undefined && name in (json<PackageJson>(manifest).scripts ?? {});
      });
      const configs = dockerfile.commands.flatMap((c) => prismaConfigs(c, dockerfile).map((file) => ({ ...c, file })));
      expect(configs.map(({ stage }) => stage)).toEqual(expect.arrayContaining(["migrate"]));
      expectEvery("Prisma configs not in the image", configs, ({ stage, index, file }) => dockerfile.contextFile(stage, file, index) !== undefined);
    });

    it("builds each library the service depends on before the service, and copies its dist/ and package.json into the final stage", () => {
      const service = dockerfile.origin(final, path.posix.join(APP_DIR, workspace, buildDirs(workspace).outDir));
      expect(service).toMatchObject({ kind: "build", workspace });
      const built = service?.kind === "build" ? service : undefined;
      const missing = libraries(workspace).flatMap((lib) => {
        const dist = path.posix.join(APP_DIR, lib, buildDirs(lib).outDir);
        const problems = [
          built && dockerfile.origin(built.stage, dist, built.index)?.kind !== "build" ? `${lib} is not built before ${workspace}` : "",
          dockerfile.origin(final, dist)?.kind !== "build" ? `${lib}/${buildDirs(lib).outDir} is not copied into ${final}` : "",
          dockerfile.contextFile(final, path.posix.join(APP_DIR, lib, "package.json")) !== `${lib}/package.json` ? `${lib}/package.json is not copied into ${final}` : "",
        ];
        return problems.filter(Boolean);
      });
      expect(missing).toEqual([]);
    });

    it("runs on the service's production dependencies only", () => {
      const install = dockerfile.origin(final, path.posix.join(APP_DIR, "node_modules"));
      expect(install).toMatchObject({ kind: "install" });
      const command = install?.kind === "install" ? install.command : "";
      expect(command).toMatch(/--omit=dev\b/);
      expect(workspaceArgs(command).map(workspaceDir)).toEqual([workspace]);
    });

    it("declares every package its code imports: installs only what package.json lists", () => {
      const declared = (dir: string) => new Set(Object.keys(packageOf(dir).dependencies ?? {}));
      const peersProvided = (dir: string) => Object.keys(packageOf(dir).peerDependencies ?? {}).filter((peer) => declared(workspace).has(peer));
      const undeclared = [workspace, ...libraries(workspace)].flatMap((dir) => {
        const allowed = new Set([...declared(dir), ...peersProvided(dir)]);
        return [...importedPackages(sources(dir))].filter((name) => name !== pkg.name && !allowed.has(name)).map((name) => `${dir} imports ${name}`);
      });
      // The migrations and prisma:generate run on the root's and the service's dependencies, dev ones included.
      const tooling = new Set([rootPackage, pkg].flatMap((p) => Object.keys({ ...p.dependencies, ...p.devDependencies })));
      const configs = [...new Set(dockerfile.commands.flatMap((c) => prismaConfigs(c, dockerfile)).map((file) => path.posix.relative(APP_DIR, file)))];
      expect(configs.length).toBeGreaterThan(0);
      const undeclaredByConfigs = [...importedPackages(configs)].filter((name) => !tooling.has(name)).map((name) => `${configs.join(", ")} import ${name}`);
      expect([...undeclared, ...undeclaredByConfigs]).toEqual([]);
    });
  });
}
