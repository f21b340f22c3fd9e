// Static checks of auth-service/Dockerfile, .dockerignore and docker-compose.yml (no Docker
// engine needed; `docker compose config` also runs where the compose CLI is installed).
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const APP_DIR = "/app"; // where the Dockerfile lays out the repository root
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const exists = (file: string) => existsSync(path.join(root, file));
const json = <T>(file: string) => JSON.parse(read(file)) as T;

interface Instruction { keyword: string; args: string; stage: string; workdir: string }
interface Build { context?: string; dockerfile?: string; target?: string }
interface Service {
  build?: string | Build;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }>;
  environment?: Record<string, string | null>;
  restart?: string;
}

/** Fails naming every item for which `check` is false. */
function expectEvery<T>(what: string, items: T[], check: (item: T) => boolean): void {
  expect({ [what]: items.filter((item) => !check(item)) }).toEqual({ [what]: [] });
}

/** Dockerfile instructions (continuations joined, comments dropped), each with its stage and WORKDIR. */
function parseDockerfile(text: string): Instruction[] {
  const source = text.split("\n").filter((line) => !/^\s*#/.test(line)).join("\n").replace(/\\\n/g, " ");
  const workdirs = new Map<string, string>();
  let [stage, workdir] = ["", "/"];
  return [...source.matchAll(/^\s*([A-Za-z]+)\s+(.*)$/gm)].map(([, keyword = "", rawArgs = ""]) => {
    const [upper, args] = [keyword.toUpperCase(), rawArgs.trim()];
    if (upper === "FROM") {
      const [image = "", , name] = args.replace(/--\S+\s+/g, "").split(/\s+/);
      [stage, workdir] = [name ?? image, workdirs.get(image) ?? "/"];
    }
    if (upper === "WORKDIR") workdir = path.posix.resolve(workdir, args);
    workdirs.set(stage, workdir);
    return { keyword: upper, args, stage, workdir };
  });
}

/** The words of a shell-form or exec-form (JSON array) argument list. */
function words(args: string): string[] {
  if (!args.startsWith("[")) return args.split(/\s+/).filter(Boolean);
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === "string")) throw new Error(`Not a list of strings: ${args}`);
  return parsed;
}

const GLOB: Record<string, string> = { "**/": "(?:.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]" };
/** Whether .dockerignore keeps `file` (a path from the repository root) out of the build context. */
function dockerignored(file: string): boolean {
  const toRegExp = (pattern: string) =>
    new RegExp(`^${pattern.split(/(\*\*\/|\*\*|\*|\?)/).map((part) => GLOB[part] ?? part.replace(/[.+^${}()|[\]\\]/g, "\\$&")).join("")}(?:/.*)?$`);
  const patterns = read(".dockerignore").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
  return patterns.reduce((ignored, pattern) => (toRegExp(pattern.replace(/^!/, "").replace(/^\/|\/$/g, "")).test(file) ? !pattern.startsWith("!") : ignored), false);
}

const dockerfile = parseDockerfile(read("auth-service/Dockerfile"));
const stages = dockerfile.filter((i) => i.keyword === "FROM").map((i) => i.stage);
const last = (stage: string | undefined, keyword: string) => dockerfile.filter((i) => i.stage === stage && i.keyword === keyword).at(-1);
const commands = dockerfile.filter((i) => i.keyword === "RUN" || i.keyword === "CMD").map((i) => ({ ...i, text: words(i.args).join(" ") }));
const contextCopies = dockerfile.filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args));
const contextSources = contextCopies.flatMap((i) => words(i.args.replace(/--\S+\s+/g, "")).slice(0, -1));
const parents = new Map(dockerfile.filter((i) => i.keyword === "FROM").map((i) => [i.stage, words(i.args.replace(/--\S+\s+/g, ""))[0]]));

/** The repository file that the build-context copies of `stage` (or of the stages it is built FROM) put at `target`. */
function copiedFrom(stage: string, target: string): string | undefined {
  const chain: string[] = [];
  for (let s = parents.has(stage) ? stage : undefined; s !== undefined && !chain.includes(s); s = parents.get(s)) chain.push(s);
  for (const copy of contextCopies.filter((i) => chain.includes(i.stage)).reverse()) {
    const parts = words(copy.args.replace(/--\S+\s+/g, ""));
    const [dest = "", sources] = [parts.at(-1), parts.slice(0, -1)];
    const destPath = path.posix.resolve(copy.workdir, dest);
    const inside = path.posix.relative(destPath, target);
    for (const source of sources.filter(exists)) {
      const file = statSync(path.join(root, source)).isDirectory()
        ? inside.startsWith("..") ? undefined : path.posix.join(source, inside)
        : (dest.endsWith("/") || sources.length > 1 ? path.posix.join(destPath, path.posix.basename(source)) : destPath) === target ? source : undefined;
      if (file !== undefined && exists(file)) return file;
    }
  }
  return undefined;
}

const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
const service = (name: string): Service => compose.services[name] ?? {};

describe("auth-service/Dockerfile", () => {
  it("is multi-stage; its final stage runs the compiled src/server.ts, exposing 4000 with a health check", () => {
    const final = stages.at(-1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const healthcheck = words(last(final, "HEALTHCHECK")?.args.replace(/^.*?\bCMD\s+/, "") ?? ""); // exec form must be valid JSON
    expect(healthcheck.join(" ")).toMatch(/^node .*fetch\(.*\/healthz/);
    expect(dockerfile.some((i) => i.stage === final && i.keyword === "EXPOSE" && words(i.args).includes("4000"))).toBe(true);
    const cmd = last(final, "CMD");
    const [program, script = ""] = words(cmd?.args ?? "[]");
    expect(program).toBe("node");
    expect(json<{ compilerOptions: object }>("auth-service/tsconfig.build.json").compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist" });
    const source = path.posix.relative(APP_DIR, path.posix.resolve(cmd?.workdir ?? "/", script)).replace(/(^|\/)dist\//, "$1src/").replace(/\.js$/, ".ts");
    expectEvery("missing entry point sources", [source], exists);
  });

  it("runs every stage that has a CMD (runtime, migrate) as a non-root user", () => {
    const runnable = stages.filter((stage) => last(stage, "CMD"));
    expect(runnable.length).toBeGreaterThanOrEqual(2);
    expectEvery("stages running as root", runnable, (stage) => /^(?!root\b|0\b)\S+/.test(last(stage, "USER")?.args ?? "root"));
  });

  it("copies existing paths from a build context that .dockerignore keeps free of installs, builds, local state and secrets", () => {
    expect(contextSources.length).toBeGreaterThan(0);
    expectEvery("missing COPY sources", contextSources, exists);
    expectEvery("COPY sources excluded by .dockerignore", contextSources, (source) => !dockerignored(source.replace(/\/$/, "")));
    const unwanted = ["node_modules", "auth-service/node_modules", "auth-service/dist", "auth-service/src/generated/prisma/client.ts", ".git", ".data", ".env", "auth-service/.env.local", "coverage", "artifacts", "npm-debug.log"];
    expectEvery("not excluded by .dockerignore", unwanted, dockerignored);
  });

  it("has the package.json scripts and Prisma configs it runs copied in, and lets no install script run", () => {
    const npmRuns = commands.flatMap((c) => [...c.text.matchAll(/\bnpm run(?:-script)? ([\w:.-]+)/g)].map(([, name = ""]) => ({ ...c, name })));
    expect(npmRuns.map((run) => run.name)).toEqual(expect.arrayContaining(["prisma:generate", "build"]));
    expectEvery("npm scripts not in the image", npmRuns, ({ text, stage, workdir, name }) => {
      const workspace = /(?:--workspace[= ]|-w )(\S+)/.exec(text)?.[1];
      const packageJson = copiedFrom(stage, path.posix.resolve(workspace ? path.posix.join(APP_DIR, workspace) : workdir, "package.json"));
      return packageJson !== undefined && name in (json<{ scripts?: object }>(packageJson).scripts ?? {});
    });
    const configs = commands.flatMap((c) => [...c.text.matchAll(/\bnpx\b.*\bprisma\b.*--config[= ](\S+)/g)].map(([, file = ""]) => ({ ...c, file })));
    expect(configs.length).toBeGreaterThan(0);
    expectEvery("Prisma configs not in the image", configs, ({ stage, workdir, file }) => copiedFrom(stage, path.posix.resolve(workdir, file)) !== undefined);
    const installs = commands.filter((c) => /\bnpm (ci|install|i)\b/.test(c.text));
    expect(installs.length).toBeGreaterThan(0);
    expectEvery("installs without --ignore-scripts", installs, (c) => c.text.includes("--ignore-scripts"));
  });
});

describe("docker-compose.yml", () => {
  it("builds every image from an existing Dockerfile and stage", () => {
    const builds = services.flatMap(([, { build }]): Build[] => (build === undefined ? [] : [typeof build === "string" ? { context: build } : build]));
    expect(builds.length).toBeGreaterThan(0);
    expectEvery("builds with a missing Dockerfile or stage", builds, ({ context = ".", dockerfile = "Dockerfile", target }) => {
      const file = path.join(context, dockerfile);
      return exists(file) && (!target || parseDockerfile(read(file)).some((i) => i.stage === target));
    });
  });

  it("health-checks every service except one-shot migrations (restart: no)", () => {
    expectEvery("services without a health check", services, ([name, { healthcheck, restart }]) => {
      const test = [healthcheck?.test ?? []].flat();
      return (!healthcheck?.disable && test.length > 0 && test[0] !== "NONE") || (restart === "no" && /migrate/.test(name));
    });
  });

  it("starts the auth-service with its configuration once PostgreSQL is healthy and the migrations completed", () => {
    const [auth, migrate] = [service("auth-service"), service("auth-migrate")];
    expect(auth.depends_on).toMatchObject({ postgres: { condition: "service_healthy" }, "auth-migrate": { condition: "service_completed_successfully" } });
    expect(migrate.depends_on).toMatchObject({ postgres: { condition: "service_healthy" } });
    expect(Object.keys(auth.environment ?? {})).toEqual(expect.arrayContaining(["DATABASE_URL", "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "JWT_AUDIENCE"]));
    const databaseUrl = auth.environment?.DATABASE_URL ?? "";
    expect(migrate.environment?.DATABASE_URL).toBe(databaseUrl);
    const [, host = "", database = ""] = /@([\w.-]+)(?::\d+)?\/(\w+)/.exec(databaseUrl) ?? [];
    expect(service(host).environment?.POSTGRES_DB).toBe(database);
  });

  it("hard-codes no secret: BETTER_AUTH_SECRET and POSTGRES_PASSWORD are required from the environment", () => {
    expect(service("auth-service").environment?.BETTER_AUTH_SECRET).toMatch(/^\$\{BETTER_AUTH_SECRET:\?[^}]+\}$/);
    const variables = services.flatMap(([, svc]) => Object.entries(svc.environment ?? {}));
    expectEvery("secrets not taken from the environment", variables.filter(([key]) => /SECRET|PASSWORD|TOKEN|KEY/.test(key)), ([, value]) => /^\$\{\w+:\?/.test(value ?? ""));
    // No secret-like variable anywhere (e.g. inside a URL) falls back to a default value.
    expect(readFileSync(path.join(root, "docker-compose.yml"), "utf8")).not.toMatch(/\$\{\w*(SECRET|PASSWORD|TOKEN|KEY)\w*:?-/);
  });

  const composeCli = spawnSync("docker", ["compose", "version"]).status === 0;
  if (!composeCli) console.warn("docker-compose.yml: `docker compose` is not installed, so `docker compose config` was NOT run (its test is skipped).");
  (composeCli ? it : it.skip)("passes `docker compose config`, which refuses to run without BETTER_AUTH_SECRET", () => {
    const emptyEnvFile = path.join(mkdtempSync(path.join(tmpdir(), "compose-env-")), ".env");
    writeFileSync(emptyEnvFile, "");
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "BETTER_AUTH_SECRET")), POSTGRES_PASSWORD: "compose-test" };
    const config = (secret?: string) =>
      spawnSync("docker", ["compose", "--env-file", emptyEnvFile, "config", "--quiet"], { cwd: root, env: secret ? { ...env, BETTER_AUTH_SECRET: secret } : env, encoding: "utf8" });
    expect(config("x".repeat(44))).toMatchObject({ status: 0 });
    const missing = config();
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain("set BETTER_AUTH_SECRET");
  });
});
