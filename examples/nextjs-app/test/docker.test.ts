// Static checks of the example's Dockerfile and its service in docker-compose.yml (no Docker
// engine here): the image builds from files that exist and .dockerignore lets through, installs
// without scripts, runs as a non-root user with telemetry off, and compose wires it to the
// services whose CORS and trusted origins name its origin.
import { describe, expect, it } from "@jest/globals";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const DOCKERFILE = "examples/nextjs-app/Dockerfile";

interface Service {
  build?: { context?: string; dockerfile?: string; target?: string };
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  container_name?: string;
}
const compose = parse(read("docker-compose.yml")) as { services: Record<string, Service> };
const app = compose.services["nextjs-app"] ?? {};
const env = (service: string, name: string) => compose.services[service]?.environment?.[name] ?? "";

// The Dockerfile's instructions, continuation lines joined and comments dropped.
const instructions = read(DOCKERFILE)
  .split("\n")
  .filter((line) => !/^\s*#/.test(line))
  .join("\n")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter(Boolean)
  .map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
  });
const stages = instructions.filter((i) => i.keyword === "FROM").map((i) => i.args.split(/\s+/).at(-1) ?? "");
/** The instructions of one stage. */
function stage(name: string) {
  const start = instructions.findIndex((i) => i.keyword === "FROM" && i.args.endsWith(` AS ${name}`));
  const end = instructions.findIndex((i, index) => index > start && i.keyword === "FROM");
  return instructions.slice(start, end === -1 ? undefined : end);
}
const runtime = stage("runtime");
const dockerignore = read(".dockerignore").split("\n").map((line) => line.trim()).filter((line) => line && !line.startsWith("#"));
/** Whether .dockerignore keeps `file` out of the build context (its ** and * patterns). */
const ignored = (file: string) =>
  dockerignore.some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\//g, "\0").replace(/\*/g, "[^/]*").replace(/\0/g, "(?:.*/)?")}(?:/.*)?$`).test(file));

describe("examples/nextjs-app/Dockerfile", () => {
  it("is multi-stage and runs `next start` on port 3000 as a non-root user, with telemetry off and a liveness health check", () => {
    expect(stages).toEqual(["manifests", "build", "prod-deps", "runtime"]);
    expect(runtime.filter((i) => i.keyword === "USER").at(-1)?.args).toBe("node");
    expect(runtime.filter((i) => i.keyword === "EXPOSE").map((i) => i.args)).toEqual(["3000"]);
    const runtimeEnv = runtime.filter((i) => i.keyword === "ENV").map((i) => i.args).join(" ");
    expect(runtimeEnv).toMatch(/\bNEXT_TELEMETRY_DISABLED=1\b/);
    expect(runtimeEnv).toMatch(/\bPORT=3000\b/);
    expect(JSON.parse(runtime.find((i) => i.keyword === "CMD")?.args ?? "[]")).toEqual(["node", "/app/node_modules/next/dist/bin/next", "start"]);
    expect(runtime.find((i) => i.keyword === "HEALTHCHECK")?.args).toMatch(/fetch\(.*\/healthz/);
    expect(existsSync(path.join(root, "examples/nextjs-app/src/app/healthz/route.ts"))).toBe(true);
  });

  it("builds with telemetry off (the stages that run next inherit it from manifests)", () => {
    expect(stage("manifests").filter((i) => i.keyword === "ENV").map((i) => i.args).join(" ")).toMatch(/\bNEXT_TELEMETRY_DISABLED=1\b/);
    expect(stage("build").find((i) => i.keyword === "FROM")?.args).toMatch(/^manifests AS build$/);
  });

  it("runs npm ci without install scripts, after every workspace's package.json, the lockfile and .npmrc", () => {
    const installs = instructions.filter((i) => i.keyword === "RUN" && /\bnpm (ci|install|i)\b/.test(i.args));
    expect(installs).toHaveLength(2);
    for (const install of installs) expect(install.args).toMatch(/\bnpm ci --ignore-scripts\b.*--workspace examples\/nextjs-app\b/);
    expect(installs.at(-1)?.args).toMatch(/--omit=dev\b/);
    const copied = stage("manifests").filter((i) => i.keyword === "COPY").map((i) => i.args);
    const workspaces = (JSON.parse(read("package.json")) as { workspaces: string[] }).workspaces;
    expect(workspaces).toContain("examples/nextjs-app");
    const missing = workspaces.filter((dir) => !copied.includes(`${dir}/package.json ${dir}/`));
    expect({ missing, root: copied[0] }).toEqual({ missing: [], root: "package.json package-lock.json .npmrc ./" });
  });

  it("copies only paths that exist and that .dockerignore lets into the build context; .next and installs stay out", () => {
    const sources = instructions
      .filter((i) => i.keyword === "COPY" && !i.args.includes("--from="))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const problems = sources.filter((source) => !existsSync(path.join(root, source)) || ignored(source.replace(/\/$/, "")));
    expect(problems).toEqual([]);
    for (const unwanted of ["examples/nextjs-app/.next", "examples/nextjs-app/node_modules", "examples/nextjs-app/next-env.d.ts", "client/dist", "examples/nextjs-app/.env.local"]) {
      expect({ unwanted, ignored: ignored(unwanted) }).toEqual({ unwanted, ignored: true });
    }
  });
});

describe("docker-compose.yml's nextjs-app", () => {
  it("builds the runtime stage of the example's Dockerfile from the repository root", () => {
    expect(app.build).toEqual({ context: ".", dockerfile: DOCKERFILE, target: "runtime" });
    expect(app.container_name).toBeUndefined();
  });

  it("reaches the services over the compose network, and tells browsers the resource-service's public URL", () => {
    const authPort = compose.services["auth-service"]?.ports?.[0]?.split(":").at(-1);
    expect(env("nextjs-app", "AUTH_URL")).toBe(`http://auth-service:${authPort}`);
    expect(env("nextjs-app", "API_URL")).toBe("http://resource-service:4001");
    expect(env("nextjs-app", "PUBLIC_API_URL")).toMatch(/^\$\{RESOURCE_PUBLIC_URL:-http:\/\/localhost:4001\}$/);
    expect(app.depends_on).toMatchObject({ "auth-service": { condition: "service_healthy" }, "resource-service": { condition: "service_healthy" } });
    // No secret: the app holds no key, and reaches the auth-service with its users' cookies only.
    expect(Object.keys(app.environment ?? {}).filter((name) => /SECRET|PASSWORD|KEY|DATABASE/.test(name))).toEqual([]);
  });

  it("is published on the origin that the services trust by default (Better Auth's trusted origins, CORS)", () => {
    expect(app.ports).toEqual(["3000:3000"]);
    for (const service of ["auth-service", "resource-service"]) {
      const fallback = /^\$\{CORS_ORIGINS:-([^}]*)\}$/.exec(env(service, "CORS_ORIGINS"))?.[1] ?? "";
      expect({ service, origins: fallback.split(",") }).toEqual({ service, origins: expect.arrayContaining(["http://localhost:3000"]) });
    }
    expect(app.healthcheck?.test?.join(" ")).toContain("http://127.0.0.1:3000/healthz");
  });
});
