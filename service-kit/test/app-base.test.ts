// createBaseApp: helmet's headers and the request's id on every answer,
// whatever wrote it (a route, the 404, the error handler, the deadline, a
// CORS preflight), over real HTTP.
import { describe, expect, it } from "@jest/globals";
import express from "express";
import helmet from "helmet";
import { createBaseApp, errorHandler, notFound } from "../src/index.js";
import { serve, testLogger } from "./helpers.js";

const ORIGIN = "https://app.example.com";

/** What helmet sets on an answer of a plain Express app: the headers every answer of the base app must carry. */
async function helmetHeaders(): Promise<Record<string, string>> {
  const app = express();
  app.use(helmet());
  app.get("/", (_req, res) => {
    res.end();
  });
  const response = await fetch(await serve(app));
  const ignored = new Set(["date", "connection", "keep-alive", "content-length", "x-powered-by"]);
  return Object.fromEntries([...response.headers].filter(([name]) => !ignored.has(name)));
}

async function baseApp() {
  const { logger, lines } = testLogger();
  const app = createBaseApp({
    settings: { trustProxy: false, corsOrigins: [ORIGIN], requestTimeoutMs: 300 },
    logger,
    credentials: false,
    allowedHeaders: ["authorization"],
    exposedHeaders: [],
  });
  app.get("/json", (_req, res) => {
    res.json({ ok: true });
  });
  app.delete("/empty", (_req, res) => {
    res.status(204).end();
  });
  app.get("/head-object", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end("plain");
  });
  app.get("/own-policy", (_req, res) => {
    res.setHeader("content-security-policy", "default-src 'none'");
    res.setHeader("x-request-id", "chosen-by-the-route");
    res.json({ ok: true });
  });
  app.get("/streamed", (_req, res) => {
    res.write("part one, ");
    res.end("part two");
  });
  app.get("/bug", () => {
    throw new Error("a bug");
  });
  app.get("/never", () => undefined);
  app.use(notFound);
  app.use(errorHandler(logger, []));
  return { url: await serve(app), lines };
}

/** The ids of the request log's lines. */
const loggedIds = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as { req?: { id?: string } }).flatMap((entry) => (entry.req?.id === undefined ? [] : [entry.req.id]));

describe("createBaseApp", () => {
  it("sends helmet's headers and the request's id with every answer, whoever writes it", async () => {
    const expected = await helmetHeaders();
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(["content-security-policy", "strict-transport-security", "x-content-type-options", "x-frame-options"]));
    const { url, lines } = await baseApp();
    const answers = [
      await fetch(`${url}/json`),
      await fetch(`${url}/empty`, { method: "DELETE" }),
      await fetch(`${url}/head-object`),
      await fetch(`${url}/streamed`),
      await fetch(`${url}/bug`),
      await fetch(`${url}/no-such-route`),
      await fetch(`${url}/never`),
      await fetch(`${url}/json`, { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "GET" } }),
    ];
    expect(answers.map((response) => response.status)).toEqual([200, 204, 200, 200, 500, 404, 503, 204]);
    for (const response of answers) {
      expect({ url: response.url, headers: Object.fromEntries(Object.keys(expected).map((name) => [name, response.headers.get(name)])) }).toEqual({ url: response.url, headers: expected });
    }
    const ids = answers.map((response) => response.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // The deadline's 503 is logged when its request ends, after the answer: wait for it, and compare the ids in any order.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(loggedIds(lines).sort()).toEqual([...ids].sort());
  });

  it("keeps a value a route sets itself for one of those headers", async () => {
    const { url } = await baseApp();
    const response = await fetch(`${url}/own-policy`);
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'");
    expect(response.headers.get("x-request-id")).toBe("chosen-by-the-route");
    expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("answers CORS for the configured origin only", async () => {
    const { url } = await baseApp();
    const allowed = await fetch(`${url}/json`, { headers: { origin: ORIGIN } });
    const refused = await fetch(`${url}/json`, { headers: { origin: "https://evil.example.com" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(allowed.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
