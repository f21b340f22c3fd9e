// sequence (sequence.ts): several middleware as one route layer, over real
// HTTP. Each runs in order; an error, a throw or a rejected promise skips the
// rest and reaches the error handler; the last one's next is the route's.
import { describe, expect, it } from "@jest/globals";
import express, { type RequestHandler } from "express";
import { errorHandler, HttpProblem, sequence } from "../src/index.js";
import { serve, testLogger } from "./helpers.js";

async function run(...handlers: RequestHandler[]): Promise<{ status: number; body: unknown; trail: string[] }> {
  const trail: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    req.trail = trail;
    next();
  });
  app.get("/", sequence(...handlers), (_req, res) => {
    trail.push("after");
    res.json({ done: true });
  });
  app.use(errorHandler(testLogger().logger));
  const response = await fetch(await serve(app));
  return { status: response.status, body: await response.json(), trail };
}

declare module "express-serve-static-core" {
  interface Request {
    trail?: string[];
  }
}

const step = (name: string): RequestHandler => (req, _res, next) => {
  req.trail?.push(name);
  next();
};
const later = (name: string): RequestHandler => (req, _res, next) => {
  setImmediate(() => {
    req.trail?.push(name);
    next();
  });
};
const teapot = () => new HttpProblem(418, "teapot", "Short and stout.");

describe("sequence", () => {
  it("runs its middleware in order, synchronous or not, then the route's next", async () => {
    expect(await run(step("a"), later("b"), step("c"))).toEqual({ status: 200, body: { done: true }, trail: ["a", "b", "c", "after"] });
  });

  it("is the middleware itself when there is one", () => {
    const only = step("a");
    expect(sequence(only)).toBe(only);
  });

  it.each([
    ["passed to next", ((_req, _res, next) => next(teapot())) as RequestHandler],
    ["thrown", (() => {
      throw teapot();
    }) as RequestHandler],
    ["a rejected promise", (async () => {
      throw teapot();
    }) as RequestHandler],
  ])("skips the rest on an error %s, and the error handler answers it", async (_label, failing) => {
    const result = await run(step("a"), failing, step("c"));
    expect({ status: result.status, trail: result.trail, code: (result.body as { code?: string }).code }).toEqual({ status: 418, trail: ["a"], code: "teapot" });
  });
});
