// docker-compose.yml and what every image shares, checked statically (no
// Docker engine needed; `docker compose config` also runs where the compose
// CLI is installed). Each image's own checks live next to its Dockerfile
// (<service>/test/docker.test.ts); the parsing is devstack's testing/docker.ts.
import { JWKS_PATH } from "@authbridge/auth-service/paths";
import {
  buildOf,
  compose,
  composeText,
  containerPorts,
  Dockerfile,
  dockerfilePath,
  env,
  exists,
  expectEvery,
  images,
  oneShot,
  read,
  service,
  services,
  workspaceDirs,
} from "@authbridge/devstack/testing/docker";
import { describe, expect, it } from "@jest/globals";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the compose stack's images", () => {
  it("are built for every service compose builds, one workspace each", () => {
    expect(images.map((image) => image.dockerfile.file).sort()).toEqual(["auth-service/Dockerfile", "resource-service/Dockerfile"]);
    expectEvery("images without exactly one workspace or runtime service", images, ({ workspace, runtime }) => workspaceDirs.includes(workspace) && runtime in compose.services);
  });

  it("are each checked by a test next to their Dockerfile (describeImage in <workspace>/test/docker.test.ts)", () => {
    expectEvery("images without their test", images, ({ workspace }) => {
      const test = `${workspace}/test/docker.test.ts`;
      return exists(test) && read(test).includes(`describeImage(${JSON.stringify(workspace)})`);
    });
  });
});

describe("docker-compose.yml", () => {
  const runtimes = images.map(({ runtime, others }) => ({ runtime, migrate: others.find((name) => /migrate/.test(name)) ?? `(no migrations for ${runtime})` }));

  it("builds every image from an existing Dockerfile and stage", () => {
    const builds = services.flatMap(([, svc]) => buildOf(svc) ?? []);
    expect(builds.length).toBeGreaterThan(0);
    expectEvery("builds with a missing Dockerfile or stage", builds, (build) => {
      const file = dockerfilePath(build);
      return exists(file) && (!build.target || new Dockerfile(file).stages.includes(build.target));
    });
  });

  it("health-checks every service except one-shots (restart: no, awaited until they complete)", () => {
    expectEvery("services without a health check", services, ([name, { healthcheck }]) => {
      const test = [healthcheck?.test ?? []].flat();
      return (!healthcheck?.disable && test.length > 0 && test[0] !== "NONE") || oneShot(name);
    });
  });

  it("starts each service once PostgreSQL is healthy and its migrations completed, each on a database of its own that exists", () => {
    expect(runtimes.map(({ runtime }) => runtime).sort()).toEqual(["auth-service", "resource-service"]);
    const databases = runtimes.map(({ runtime, migrate }) => {
      expect(service(runtime).depends_on).toMatchObject({ postgres: { condition: "service_healthy" }, [migrate]: { condition: "service_completed_successfully" } });
      expect(service(migrate).depends_on).toMatchObject({ postgres: { condition: "service_healthy" } });
      expect(service(migrate).restart).toBe("no");
      const databaseUrl = env(runtime, "DATABASE_URL") ?? "";
      expect(env(migrate, "DATABASE_URL")).toBe(databaseUrl);
      const [, host = "", database = ""] = /@([\w.-]+)(?::\d+)?\/(\w+)/.exec(databaseUrl) ?? [];
      expect(host).toBe("postgres");
      // Created with the cluster (POSTGRES_DB), or by a one-shot that the migrations wait for.
      const creators = Object.entries(service(migrate).depends_on ?? {})
        .filter(([name, { condition }]) => condition === "service_completed_successfully" && oneShot(name))
        .map(([name]) => [service(name).command ?? ""].flat().join(" "));
      expect([env("postgres", "POSTGRES_DB"), ...creators].some((created) => new RegExp(`\\b${database}\\b`).test(created ?? ""))).toBe(true);
      return database;
    });
    expect(new Set(databases).size).toBe(runtimes.length);
  });

  it("hard-codes no secret: BETTER_AUTH_SECRET and POSTGRES_PASSWORD are required from the environment", () => {
    expect(env("auth-service", "BETTER_AUTH_SECRET")).toMatch(/^\$\{BETTER_AUTH_SECRET:\?[^}]+\}$/);
    expect(env("postgres", "POSTGRES_PASSWORD")).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
    const variables = services.flatMap(([, svc]) => Object.entries(svc.environment ?? {}));
    expectEvery("secrets not taken from the environment", variables.filter(([key]) => /SECRET|PASSWORD|TOKEN|KEY/.test(key)), ([, value]) => /^\$\{\w+:\?/.test(value ?? ""));
    // Every database URL carries the password, required too; no secret-like variable falls back to a default.
    expectEvery("database URLs without a required password", variables.filter(([key]) => key === "DATABASE_URL"), ([, value]) => /:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/.test(value ?? ""));
    expect(composeText).not.toMatch(/\$\{\w*(SECRET|PASSWORD|TOKEN|KEY)\w*:?-/);
  });

  it("gives the resource-service no secret: it verifies tokens with the auth-service's public keys", () => {
    const variables = Object.entries(service("resource-service").environment ?? {});
    expect(variables.length).toBeGreaterThan(0);
    expectEvery("secrets given to the resource-service", variables, ([key, value]) => !/SECRET|PASSWORD|TOKEN|KEY/.test(key) && !/BETTER_AUTH_SECRET/.test(value ?? ""));
  });

  it("can scale the resource-service (--scale): no container_name, and a host port range (or none) rather than one port", () => {
    expect(service("resource-service").container_name).toBeUndefined();
    const published = (service("resource-service").ports ?? []).map((port) => String(port).replace(/\/\w+$/, "").split(":"));
    expectEvery("single host ports", published, (parts) => parts.length === 1 || /^\d+-\d+$/.test(parts.at(-2) ?? ""));
    expect(composeText).toMatch(/--scale resource-service=\d/);
  });

  it("names no container: two stacks (or a scaled service) never collide on names", () => {
    expectEvery("services with a container_name", services, ([, svc]) => svc.container_name === undefined);
  });

  it("has the resource-service trust the auth-service's tokens: its issuer and audience, keys over the compose network", () => {
    expect(env("resource-service", "AUTH_ISSUER")).toBeTruthy();
    expect(env("resource-service", "AUTH_ISSUER")).toBe(env("auth-service", "BETTER_AUTH_URL"));
    expect(env("resource-service", "AUTH_AUDIENCE")).toBeTruthy();
    expect(env("resource-service", "AUTH_AUDIENCE")).toBe(env("auth-service", "JWT_AUDIENCE"));
    const [authPort] = containerPorts(service("auth-service"));
    expect(env("resource-service", "AUTH_JWKS_URL")).toBe(`http://auth-service:${authPort}${JWKS_PATH}`);
    expect(service("resource-service").depends_on).toMatchObject({ "auth-service": { condition: "service_healthy" } });
  });

  it("has the resource-service follow the session revocations the auth-service publishes: the same Redis and key prefix", () => {
    expect(env("resource-service", "AUTH_REVOCATION_REDIS_URL")).toBeTruthy();
    expect(env("resource-service", "AUTH_REVOCATION_REDIS_URL")).toBe(env("auth-service", "REDIS_URL"));
    expect(env("resource-service", "AUTH_REVOCATION_KEY_PREFIX") ?? "authbridge:").toBe(env("auth-service", "REDIS_KEY_PREFIX") ?? "authbridge:");
  });

  it("says what Redis holds where it is declared, and in docs/docker.md: all that the services keep there", () => {
    // With REDIS_URL the auth-service keeps its rate-limit counters, its session cache and
    // the sessions it ended in Redis; the resource-service reads the last from the same Redis.
    expect(env("auth-service", "REDIS_URL")).toBeTruthy();
    const held = [/rate-limit counters/i, /session cache/i, /revo(cations|ked sessions)/i];
    const lines = composeText.split("\n");
    const declared = lines.findIndex((line) => /^ {2}redis:\s*$/.test(line));
    let first = declared;
    while (first > 0 && /^\s*#/.test(lines[first - 1] ?? "")) first -= 1;
    const comment = lines.slice(first, declared).join(" ");
    const dockerDoc = read("docs/docker.md");
    const sentence = /Compose runs[^.]*\./.exec(dockerDoc)?.[0] ?? "";
    for (const [where, text] of [["the comment above redis: in docker-compose.yml", comment], ["docs/docker.md", sentence]] as const) {
      expect({ where, missing: held.filter((use) => !use.test(text)).map(String), says: text }).toEqual({ where, missing: [], says: text });
      expect({ where, says: text }).not.toEqual({ where, says: expect.stringMatching(/counters only/i) });
    }
  });

  const composeCli = spawnSync("docker", ["compose", "version"]).status === 0;
  if (!composeCli) console.warn("docker-compose.yml: `docker compose` is not installed, so `docker compose config` was NOT run (its test is skipped).");
  (composeCli ? it : it.skip)("passes `docker compose config`, which refuses to run without BETTER_AUTH_SECRET or POSTGRES_PASSWORD", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "compose-env-"));
    try {
      const emptyEnvFile = path.join(dir, ".env");
      writeFileSync(emptyEnvFile, "");
      const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "BETTER_AUTH_SECRET" && key !== "POSTGRES_PASSWORD"));
      const config = (extra: Record<string, string>) =>
        spawnSync("docker", ["compose", "--env-file", emptyEnvFile, "config", "--quiet"], { cwd: root, env: { ...base, ...extra }, encoding: "utf8" });
      expect(config({ BETTER_AUTH_SECRET: "x".repeat(44), POSTGRES_PASSWORD: "compose-test" })).toMatchObject({ status: 0 });
      const noSecret = config({ POSTGRES_PASSWORD: "compose-test" });
      expect(noSecret.status).not.toBe(0);
      expect(noSecret.stderr).toContain("set BETTER_AUTH_SECRET");
      const noPassword = config({ BETTER_AUTH_SECRET: "x".repeat(44) });
      expect(noPassword.status).not.toBe(0);
      expect(noPassword.stderr).toContain("set POSTGRES_PASSWORD");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
