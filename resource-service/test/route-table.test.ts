// The route table's checks when a router is built: a handler reads its path
// parameters as strings, so they must be exactly the path's plain `:name`s.
import { describe, expect, it } from "@jest/globals";
import { createVerifier } from "@authbridge/verifier";
import { optionalAuth, requireAuth } from "@authbridge/verifier/express";
import { z } from "zod";
import express from "express";
import { feature, mountFeature, type Feature } from "../src/http/operations.js";

const verifier = createVerifier({ issuer: "http://127.0.0.1:9", audience: "http://localhost:4001" });
const context = { authenticators: { required: requireAuth(verifier), optional: optionalAuth(verifier) }, bodies: express.json() };
const mount = (thing: Feature<undefined>) => mountFeature(express(), thing, undefined, context);

function featureWith(path: string, params?: z.ZodObject<Record<string, z.ZodString>>): Feature<undefined> {
  return feature<undefined>({
    path: "/api/v1/things",
    tag: { name: "things", description: "Things." },
    schemas: {},
    operations: (operation) => [
      operation({
        operationId: "getThing",
        method: "get",
        path,
        summary: "A thing",
        auth: "optional",
        params,
        success: { status: 204, description: "Nothing." },
        problems: [],
        handler: async () => undefined,
      }),
    ],
  });
}

describe("the route table", () => {
  it("builds a route whose params are exactly its path's", () => {
    expect(() => mount(featureWith("/:id", z.object({ id: z.string() })))).not.toThrow();
    expect(() => mount(featureWith("/"))).not.toThrow();
  });

  it.each([
    ["a path parameter not declared", "/:id", undefined, /the path has \[id\], params has \[\]/],
    ["a declared parameter not in the path", "/", z.object({ id: z.string() }), /the path has \[\], params has \[id\]/],
    ["another name", "/:thingId", z.object({ id: z.string() }), /the path has \[thingId\], params has \[id\]/],
    ["a wildcard", "/*rest", z.object({ rest: z.string() }), /only plain :name parameters/],
    ["an optional segment", "{/:id}", z.object({ id: z.string() }), /only plain :name parameters/],
  ])("refuses %s, naming the operation", (_label, path, params, message) => {
    expect(() => mount(featureWith(path, params))).toThrow(message);
    expect(() => mount(featureWith(path, params))).toThrow(/^getThing \(\/api\/v1\/things/);
  });
});
