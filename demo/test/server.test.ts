// The demo's web server on its own: what it serves, the headers that keep the
// page to its own script and its two services, and its configuration errors.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { configErrorMessage, expectProblem, memoryLog } from "@authbridge/devstack/testing";
import { createLogger, ConfigError } from "@authbridge/service-kit";
import { loadConfig } from "../src/config.js";
import { createDemoService } from "../src/service.js";

const AUTH_URL = "http://localhost:4000";
const API_URL = "http://localhost:4001";

let demo: ReturnType<typeof createDemoService>;
let url: string;

beforeAll(async () => {
  const config = loadConfig({ PORT: "0", AUTH_URL, API_URL, TOKEN_RENEW_BEFORE_SECONDS: "45" });
  demo = createDemoService(config, createLogger("demo", "info", memoryLog().stream));
  url = await demo.listen();
});

afterAll(() => demo.close());

describe("the demo server", () => {
  it("serves the page with a policy that allows only its own script and the two services", async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy.split(";")).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        `connect-src 'self' ${AUTH_URL} ${API_URL}`,
        "frame-ancestors 'none'",
      ]),
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves the bundled script, with the client inside, and its source map", async () => {
    const script = await fetch(`${url}/app.js`);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    const js = await script.text();
    expect(js).toContain("/api/auth/token");
    expect(js).toMatch(/\/\/# sourceMappingURL=app\.js\.map\s*$/);
    const map = (await (await fetch(`${url}/app.js.map`)).json()) as { sources: string[] };
    expect(map.sources.some((source) => source.endsWith("client/src/tokens.ts"))).toBe(true);
    expect((await fetch(`${url}/styles.css`)).headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("tells the page where the services are", async () => {
    const response = await fetch(`${url}/config.json`);
    expect(await response.json()).toEqual({ authUrl: AUTH_URL, apiUrl: API_URL, renewBeforeSeconds: 45 });
  });

  it("answers anything else with problem+json", async () => {
    await expectProblem(await fetch(`${url}/secrets`), 404, "not_found");
    const post = await fetch(`${url}/`, { method: "POST" });
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    await expectProblem(post, 405, "method_not_allowed");
  });
});

describe("the demo's configuration", () => {
  it("names every problem in a sentence", () => {
    const message = configErrorMessage(() => loadConfig({ AUTH_URL: "localhost:4000", PORT: "99999" }), ConfigError);
    expect(message.split("\n")).toEqual([
      "The demo configuration is invalid:",
      '- PORT must be a whole number from 0 to 65535, but it is "99999".',
      "- AUTH_URL must be an absolute http:// or https:// URL.",
      "- API_URL is required.",
    ]);
  });

  it("keeps only the services' origins", () => {
    expect(loadConfig({ AUTH_URL: "http://localhost:4000/", API_URL: "http://localhost:4001/api" })).toMatchObject({
      authUrl: "http://localhost:4000",
      apiUrl: "http://localhost:4001",
      port: 4002,
      host: "127.0.0.1",
      renewBeforeSeconds: 30,
    });
  });
});
