// problem.ts: the one place errors become responses (RFC 9457 problem details),
// over real HTTP.
import { describe, expect, it } from "@jest/globals";
import { expectProblem } from "@authbridge/devstack/testing";
import express from "express";
import { errorHandler, HttpProblem, notFound, PROBLEM_CONTENT_TYPE, problemType, statusTitle, type ProblemMapper } from "../src/index.js";
import { serve, testLogger } from "./helpers.js";

class TeapotError extends Error {}
const teapots: ProblemMapper = (error) => (error instanceof TeapotError ? new HttpProblem(409, "teapot", "It is a teapot.") : undefined);

/** An app whose routes fail in each of the ways a service's routes can. */
async function failingApp() {
  const { logger, lines } = testLogger();
  const app = express();
  app.get("/problem", () => {
    throw new HttpProblem(401, "invalid_token", "The access token expired.", { "WWW-Authenticate": 'Bearer error="invalid_token"' }, { retryable: false });
  });
  app.get("/mapped", () => {
    throw new TeapotError("mapped");
  });
  app.get("/bug", () => {
    throw new Error("SELECT secret FROM users -- internal detail");
  });
  app.get("/async", async () => {
    await Promise.resolve();
    throw new HttpProblem(422, "invalid_body", "The title is empty.");
  });
  app.get("/items/:id", (req, res) => {
    res.json({ id: req.params.id });
  });
  app.post("/json", express.json({ limit: 32 }), (req, res) => {
    res.json(req.body);
  });
  app.use(notFound);
  app.use(errorHandler(logger, [teapots]));
  return { url: await serve(app), lines };
}

describe("HttpProblem", () => {
  it("becomes a problem body with a stable code, its type URI and the status's title; extensions cannot replace them", () => {
    const problem = new HttpProblem(404, "Not_Found", "No post 7.", {}, { code: "other", status: 200, postId: "7" });
    expect(problem.toBody()).toEqual({
      type: "urn:authbridge:problem:not_found",
      title: "Not Found",
      status: 404,
      detail: "No post 7.",
      code: "Not_Found",
      postId: "7",
    });
    expect(problem).toBeInstanceOf(Error);
    expect(problem.message).toBe("No post 7.");
  });

  it("titles statuses it does not list by their class", () => {
    expect(statusTitle(503)).toBe("Service Unavailable");
    expect(statusTitle(418)).toBe("Client Error");
    expect(statusTitle(507)).toBe("Server Error");
    expect(problemType("Rate_Limited")).toBe("urn:authbridge:problem:rate_limited");
  });
});

describe("errorHandler", () => {
  it("answers a thrown HttpProblem as problem+json with its status, code, headers and extensions, never cacheable", async () => {
    const { url } = await failingApp();
    const response = await fetch(`${url}/problem`);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    const body = await expectProblem(response, 401, "invalid_token");
    expect(body).toMatchObject({ title: "Unauthorized", detail: "The access token expired.", retryable: false });
  });

  it("answers a rejected async handler the same way (Express 5)", async () => {
    const { url } = await failingApp();
    await expectProblem(await fetch(`${url}/async`), 422, "invalid_body");
  });

  it("answers what a mapper recognises as the mapper says", async () => {
    const { url, lines } = await failingApp();
    await expectProblem(await fetch(`${url}/mapped`), 409, "teapot");
    expect(lines.join("")).not.toContain("unhandled error");
  });

  it("answers anything else 500 internal_error without its details, and logs it", async () => {
    const { url, lines } = await failingApp();
    const response = await fetch(`${url}/bug`);
    const text = await response.clone().text();
    await expectProblem(response, 500, "internal_error");
    expect(text).not.toContain("SELECT");
    const logged = lines.map((line) => JSON.parse(line) as { msg?: string; level?: number; err?: { message?: string } }).find((line) => line.msg === "unhandled error");
    expect(logged).toMatchObject({ level: 50, err: { message: expect.stringContaining("internal detail") } });
  });

  it("answers a body the parser refuses with a 4xx of its own: malformed JSON, too large", async () => {
    const { url } = await failingApp();
    const post = (body: string) => fetch(`${url}/json`, { method: "POST", headers: { "content-type": "application/json" }, body });
    await expectProblem(await post("{"), 400, "malformed_json");
    await expectProblem(await post(JSON.stringify({ text: "x".repeat(64) })), 413, "payload_too_large");
  });

  it("answers a path parameter that is not valid percent-encoding 400, not 500", async () => {
    const { url } = await failingApp();
    await expectProblem(await fetch(`${url}/items/%E0%A4%A`), 400, "bad_request");
  });

  it("answers an unknown route 404 not_found, naming the method and path", async () => {
    const { url } = await failingApp();
    const body = await expectProblem(await fetch(`${url}/nowhere?x=1`, { method: "DELETE" }), 404, "not_found");
    expect(body.detail).toBe("No route matches DELETE /nowhere.");
  });
});
