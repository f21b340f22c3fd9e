// The OpenAPI document: served, valid OpenAPI 3.1, and true to the app. The
// routes come from the app's real router, the problem codes from the code
// that raises them, and the responses from real requests (every suite's
// responses are checked in helpers.ts; here, that the check can fail).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { eventually } from "@authbridge/devstack/testing";
import { Validator } from "@seriousme/openapi-schema-validator";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createApp } from "../src/app.js";
import { documentedOperations, openApiDocumentFor, problemCodesOf, type JsonSchema, type OpenApiDocument } from "../src/openapi/document.js";
import { problemCatalog, type ProblemCode } from "../src/http/problems.js";
import { AUDIENCE, call, startPair, type Pair } from "./helpers.js";
import { conformanceChecker } from "./openapi/conformance.js";
import { ResponseRecorder, type Exchange } from "./openapi/recorder.js";
import { servedRoutes, type ServedRoute } from "./openapi/routes.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));

/** "GET /api/v1/posts/:id" for each operation in the document. */
function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${template.replace(/\{(\w+)\}/g, ":$1")}`),
  );
}

function differences(served: ServedRoute[], documented: string[]) {
  const servedKeys = served.map(({ method, path }) => `${method} ${path}`);
  return {
    servedNotDocumented: servedKeys.filter((route) => !documented.includes(route)).sort(),
    documentedNotServed: documented.filter((route) => !servedKeys.includes(route)).sort(),
  };
}

/** The TypeScript sources under `dir`, relative to the repository. */
function sources(dir: string): Array<{ file: string; text: string }> {
  return (readdirSync(path.join(repo, dir), { recursive: true }) as string[])
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file: path.join(dir, file), text: readFileSync(path.join(repo, dir, file), "utf8") }));
}

const clone = <T>(value: T): T => structuredClone(value);

describe("the OpenAPI document", () => {
  let pair: Pair;
  let document: OpenApiDocument;
  beforeAll(async () => {
    pair = await startPair();
    document = openApiDocumentFor(pair.api.service.config);
  });
  afterAll(() => pair.stop());

  it("names the roles of the moderation operations in their security requirement, and their 403 insufficient_scope with its challenge", () => {
    for (const method of ["post", "get"]) {
      const operation = document.paths["/api/v1/moderation/actions"]?.[method] as { security: unknown; description: string; responses: Record<string, { description: string; headers: Record<string, { required: boolean }> }> };
      expect(operation.security).toEqual([{ bearerAuth: ["moderator", "admin"] }]);
      expect(operation.description).toContain("`moderator` or `admin`");
      expect(operation.responses["403"]?.description).toContain("`insufficient_scope`");
      expect(operation.responses["403"]?.headers["WWW-Authenticate"]?.required).toBe(true);
    }
    // Operations without roles keep an empty list, and no insufficient_scope.
    const createPost = document.paths["/api/v1/posts"]?.post as { security: unknown; responses: Record<string, unknown> };
    expect(createPost.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(createPost.responses)).not.toContain("insufficient_scope");
  });

  it("is served at /openapi.json to anyone, cacheable, and is the document the schemas generate", async () => {
    const response = await fetch(`${pair.api.url}/openapi.json`, { headers: { authorization: "Bearer not-even-a-token" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]{43}"$/);
    expect(await response.json()).toEqual(document);

    // As a browser revalidates (fetch alone would add Cache-Control: no-cache, which asks for the whole document).
    const revalidated = await fetch(`${pair.api.url}/openapi.json`, { headers: { "if-none-match": etag ?? "", "cache-control": "max-age=0" } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
  });

  it("describes the bearer scheme: a JWT from the auth-service's /api/auth/token, for this audience", () => {
    const schemes = (document.components as { securitySchemes: Record<string, Record<string, string>> }).securitySchemes;
    expect(schemes.bearerAuth).toEqual(expect.objectContaining({ type: "http", scheme: "bearer", bearerFormat: "JWT" }));
    expect(schemes.bearerAuth?.description).toContain(`${pair.issuer.issuer}/api/auth/token`);
    expect(schemes.bearerAuth?.description).toContain(AUDIENCE);
    const security = (method: string, template: string) => (document.paths[template]?.[method] as { security: unknown }).security;
    expect(security("post", "/api/v1/posts")).toEqual([{ bearerAuth: [] }]);
    expect(security("get", "/api/v1/posts")).toEqual([{}, { bearerAuth: [] }]);
    expect(security("get", "/healthz")).toEqual([]);
  });

  it("is valid OpenAPI 3.1, and the validator refuses a broken copy", async () => {
    const validator = new Validator();
    expect(await validator.validate(clone(document))).toEqual({ valid: true });
    expect(validator.version).toBe("3.1");

    const broken = clone(document);
    const listPosts = broken.paths["/api/v1/posts"]?.get as JsonSchema;
    delete listPosts.responses;
    (listPosts.parameters as JsonSchema[]).push({ name: "x", in: "body" });
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it("names each path parameter, uses each operationId once, and every $ref resolves", () => {
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [template, item] of Object.entries(document.paths)) {
      const inTemplate = [...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => name).sort();
      for (const operation of Object.values(item)) {
        const declared = ((operation.parameters ?? []) as Array<{ name: string; in: string }>).filter((parameter) => parameter.in === "path").map(({ name }) => name);
        expect({ template, declared: declared.sort() }).toEqual({ template, declared: inTemplate });
      }
    }
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(([, name]) => name);
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((name) => name === undefined || schemas[name] === undefined)).toEqual([]);
  });

  it("documents every route the app serves, and serves every route it documents", () => {
    const served = servedRoutes(pair.api.service.app);
    expect(served.length).toBeGreaterThan(10);
    expect(differences(served, documentedRoutes(document))).toEqual({ servedNotDocumented: [], documentedNotServed: [] });
  });

  it("documents GET /metrics exactly when the main port serves it (METRICS_TOKEN without METRICS_PORT)", () => {
    const { service } = pair.api;
    const token = { ...service.config, metrics: { ...service.config.metrics, token: "metrics-token-0123456789abcdef", port: undefined } };
    const ownPort = { ...token, metrics: { ...token.metrics, port: 9464 } };
    for (const config of [token, ownPort]) {
      const { app } = createApp({ config, db: service.db, verifier: service.verifier, logger: service.logger, isShuttingDown: () => false });
      const documented = documentedRoutes(openApiDocumentFor(config));
      expect(differences(servedRoutes(app), documented)).toEqual({ servedNotDocumented: [], documentedNotServed: [] });
      expect(documented.includes("GET /metrics")).toBe(config === token);
    }
    expect(documentedRoutes(document)).not.toContain("GET /metrics");
  });

  it("the route comparison sees a route the document lacks, and a documented route no longer served", () => {
    const { service } = pair.api;
    const { app } = createApp({ config: service.config, db: service.db, verifier: service.verifier, logger: service.logger, isShuttingDown: () => false });
    app.get("/api/v1/undocumented", (_req, res) => {
      res.end();
    });
    const withoutHealth = documentedRoutes(document).filter((route) => route !== "GET /healthz");
    const found = differences(servedRoutes(app), withoutHealth);
    expect(found).toEqual({ servedNotDocumented: ["GET /api/v1/undocumented", "GET /healthz"], documentedNotServed: [] });
    expect(differences(servedRoutes(app), [...documentedRoutes(document), "GET /api/v1/undocumented", "DELETE /api/v1/users/me"]).documentedNotServed).toEqual([
      "DELETE /api/v1/users/me",
    ]);
  });

  it("names every problem code the code raises, with its status; every code it names is raised and answered by some operation", () => {
    // The catalog and the document name every code: what counts is the code that raises them.
    const code = [...sources("resource-service/src"), ...sources("service-kit/src"), ...sources("verifier/src/core")].filter(
      ({ file }) => !file.includes("/openapi/") && !file.endsWith("/http/problems.ts"),
    );
    const raised = code.flatMap(({ file, text }) =>
      [...text.matchAll(/new HttpProblem\(\s*(\d{3}),\s*"([a-z_]+)"/g)].map(([, status, name]) => ({ file, status: Number(status), code: name ?? "" })),
    );
    expect(raised.length).toBeGreaterThan(10);
    const catalog: Record<string, { status: number }> = problemCatalog;
    // The client went away before its body arrived: nobody is there to read the answer.
    const neverRead = ["request_aborted"];
    expect(raised.filter(({ status, code: name }) => catalog[name]?.status !== status && !neverRead.includes(name))).toEqual([]);

    // The route tables name the codes their operations answer: what counts is the code that raises them.
    const everything = code
      .filter(({ file }) => !file.endsWith("/routes.ts"))
      .map(({ text }) => text)
      .join("\n");
    expect(Object.keys(problemCatalog).filter((name) => !everything.includes(`"${name}"`))).toEqual([]);
    const answered = new Set(documentedOperations({ metricsOnMainPort: true, verifiedEmailForWrites: true }).flatMap(problemCodesOf));
    expect((Object.keys(problemCatalog) as ProblemCode[]).filter((name) => !answered.has(name))).toEqual([]);
  });

  describe("the conformance check every suite's responses go through", () => {
    // The caching headers every answer of these operations carries (each case below that is about them overrides them).
    const exchange = (method: string, url: string, status: number, body: unknown, headers: Record<string, string | undefined> = {}): Exchange => ({
      method,
      url,
      status,
      headers: Object.fromEntries(
        Object.entries({
          ...(body === undefined ? {} : { "content-type": status >= 400 ? "application/problem+json; charset=utf-8" : "application/json; charset=utf-8" }),
          "cache-control": "no-store",
          vary: "Origin, Authorization",
          ...headers,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
    });
    const problemBody = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
      type: `urn:authbridge:problem:${code}`,
      title: "t",
      status,
      detail: "d",
      code,
      ...extra,
    });
    const post = {
      id: "01900000-0000-7000-8000-000000000000",
      authorId: "alice",
      title: "t",
      body: "b",
      visibility: "public",
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      hiddenAt: null,
      hiddenReason: null,
    };

    it("passes what the document describes", () => {
      const check = conformanceChecker(document);
      const fine = [
        exchange("GET", "/api/v1/posts?limit=2", 200, { items: [post], nextCursor: null }),
        exchange("GET", "/api/v1/posts?limit=2", 200, { items: [post], nextCursor: null }, { "cache-control": "public, no-cache" }),
        exchange("GET", `/api/v1/posts/${post.id}`, 304, undefined, { "cache-control": "public, no-cache" }),
        exchange("POST", "/api/v1/posts", 201, post, { location: `/api/v1/posts/${post.id}` }),
        exchange("DELETE", `/api/v1/posts/${post.id}`, 204, undefined),
        exchange("PATCH", `/api/v1/posts/${post.id}`, 403, problemBody(403, "not_owner")),
        exchange("POST", "/api/v1/posts", 422, problemBody(422, "validation_failed", { errors: [{ field: "title", message: "m" }] })),
        exchange("GET", "/api/v1/users/me", 401, problemBody(401, "token_missing"), { "www-authenticate": 'Bearer realm="authbridge"' }),
        exchange("GET", "/nowhere", 404, problemBody(404, "not_found")),
      ];
      expect(fine.flatMap(check.violations)).toEqual([]);
    });

    it.each([
      ["a status the operation does not document", exchange("GET", "/api/v1/posts", 418, problemBody(418, "teapot")), /418 is a status GET \/api\/v1\/posts does not document/],
      ["a problem code not documented for the status", exchange("GET", `/api/v1/posts/${post.id}`, 404, problemBody(404, "gone")), /must be equal to one of the allowed values/],
      ["a code documented, but for another operation", exchange("GET", `/api/v1/posts/${post.id}`, 403, problemBody(403, "not_owner")), /403 is a status GET/],
      ["a problem whose status disagrees with the answer", exchange("GET", `/api/v1/posts/${post.id}`, 404, problemBody(400, "not_found")), /must be equal to constant/],
      ["a success body missing a field", exchange("GET", `/api/v1/posts/${post.id}`, 200, { ...post, id: undefined }), /must have required property 'id'/],
      ["a success body with a wrong type", exchange("GET", "/api/v1/users/me", 200, { id: "u", name: 1 }), /must be string/],
      ["a 422 without its errors", exchange("POST", "/api/v1/posts", 422, problemBody(422, "validation_failed")), /must have required property 'errors'/],
      ["a 201 without its Location", exchange("POST", "/api/v1/posts", 201, post), /lacks the required Location header/],
      ["a 401 without its challenge", exchange("GET", "/api/v1/users/me", 401, problemBody(401, "token_missing")), /lacks the required WWW-Authenticate header/],
      [
        "an error a cache may keep",
        exchange("GET", `/api/v1/posts/${post.id}`, 404, problemBody(404, "not_found"), { "cache-control": "public, max-age=60" }),
        /has Cache-Control: public, max-age=60, which the document does not allow/,
      ],
      [
        "a caller's own answer a cache may keep",
        exchange("PATCH", `/api/v1/posts/${post.id}`, 200, post, { "cache-control": "public, no-cache" }),
        /has Cache-Control: public, no-cache, which the document does not allow/,
      ],
      ["an optional-auth answer that does not vary on Authorization", exchange("GET", "/api/v1/posts", 200, { items: [], nextCursor: null }, { vary: "Origin" }), /has Vary: Origin, which the document does not allow/],
      ["an optional-auth answer without Vary", exchange("GET", `/api/v1/posts/${post.id}`, 200, post, { vary: undefined }), /lacks the required Vary header/],
      ["a media type not documented", exchange("GET", `/api/v1/posts/${post.id}`, 404, problemBody(404, "not_found"), { "content-type": "text/html" }), /is text\/html; documented: application\/problem\+json/],
      ["a body where none is documented", exchange("DELETE", `/api/v1/posts/${post.id}`, 204, post), /has a body/],
      ["an undocumented path that answers", exchange("GET", "/api/v1/admin", 200, {}), /is not documented \(no GET \/api\/v1\/admin in the document\)/],
      ["an undocumented method that answers", exchange("DELETE", "/api/v1/users/me", 204, undefined), /is not documented \(no DELETE/],
      ["an undocumented path's 404 with another code", exchange("GET", "/nowhere", 404, problemBody(404, "missing")), /has code "missing", not "not_found"/],
    ])("fails %s", (_label, wrong, message) => {
      expect(conformanceChecker(document).violations(wrong)).toEqual([expect.stringMatching(message)]);
    });

    it("fails real recorded responses once the document stops describing them", async () => {
      const recorder = new ResponseRecorder();
      recorder.watch(pair.api.url, undefined);
      try {
        const alice = await pair.issuer.mint({ sub: "openapi-alice" });
        const bob = await pair.issuer.mint({ sub: "openapi-bob" });
        const created = await call(pair.api, "/api/v1/posts", { token: alice, json: { title: "Mine", body: "Words" } });
        const { id } = (await created.json()) as { id: string };
        expect((await call(pair.api, `/api/v1/posts/${id}`, { method: "PATCH", token: bob, json: { title: "Yours" } })).status).toBe(403);
        expect((await call(pair.api, "/api/v1/nowhere")).status).toBe(404);
        // A response is recorded when the server finishes it, which can be just after the client has it.
        await eventually(async () => recorder.size >= 3, "the three responses to be recorded");
        const recorded = recorder.take().map(({ exchange }) => exchange);
        expect(recorded.map(({ method, status }) => `${method} ${status}`)).toEqual(["POST 201", "PATCH 403", "GET 404"]);
        expect(recorded.flatMap(conformanceChecker(document).violations)).toEqual([]);

        const stale = clone(document);
        delete (stale.paths["/api/v1/posts/{id}"]?.patch?.responses as Record<string, unknown>)["403"];
        const post = (stale.components as { schemas: Record<string, { required: string[]; properties: Record<string, unknown> }> }).schemas.Post;
        if (post) {
          post.properties.slug = { type: "string" };
          post.required.push("slug");
        }
        expect(recorded.flatMap(conformanceChecker(stale).violations)).toEqual([
          expect.stringMatching(/^POST \/api\/v1\/posts → 201 has a body the schema refuses: .*must have required property 'slug'/),
          expect.stringMatching(/^PATCH \/api\/v1\/posts\/[\w-]+ → 403 is a status PATCH \/api\/v1\/posts\/\{id\} does not document/),
        ]);
      } finally {
        recorder.close();
      }
    });
  });
});
