// bodies.ts: which request bodies reach a handler, over real HTTP. Everything
// refused is a 4xx problem, and the handler never runs.
import { describe, expect, it } from "@jest/globals";
import { expectProblem, rawRequest } from "@authbridge/devstack/testing";
import express from "express";
import { acceptBodies, errorHandler, formBody, jsonBody, requestBodies } from "../src/index.js";
import { jsonDepth, MAX_JSON_DEPTH } from "../src/bodies.js";
import { serve, testLogger } from "./helpers.js";

const LIMIT = 1024;

/** An API that echoes what its handler received, and counts the calls. */
async function echoApp() {
  const app = express();
  const handled: unknown[] = [];
  app.use(
    "/api",
    requestBodies(acceptBodies(["application/json", "application/x-www-form-urlencoded"]), ...jsonBody(LIMIT), ...formBody(LIMIT)),
  );
  app.all("/api/echo", (req, res) => {
    handled.push(req.body);
    res.json({ body: req.body ?? null });
  });
  app.use(errorHandler(testLogger().logger));
  return { url: await serve(app), handled };
}

const post = (url: string, contentType: string, body: string | Uint8Array) =>
  fetch(`${url}/api/echo`, { method: "POST", headers: { "content-type": contentType }, body });

/** A JSON array nested `depth` levels deep. */
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("requestBodies with acceptBodies, jsonBody and formBody", () => {
  it("lets a request without a body through untouched", async () => {
    const { url, handled } = await echoApp();
    const response = await fetch(`${url}/api/echo`);
    expect(response.status).toBe(200);
    expect(handled).toEqual([undefined]);
  });

  it("parses a JSON body and a form body", async () => {
    const { url } = await echoApp();
    expect(await (await post(url, "application/json", JSON.stringify({ title: "Hello" }))).json()).toEqual({ body: { title: "Hello" } });
    expect(await (await post(url, "application/x-www-form-urlencoded", "title=Hello&tags=a")).json()).toEqual({ body: { title: "Hello", tags: "a" } });
  });

  it("refuses a body of any other type with 415 unsupported_media_type, before anything reads it", async () => {
    const { url, handled } = await echoApp();
    await expectProblem(await post(url, "text/plain", "hello"), 415, "unsupported_media_type");
    await expectProblem(await post(url, "application/xml", "<a/>"), 415, "unsupported_media_type");
    expect(handled).toEqual([]);
  });

  it("refuses a body announced larger than the limit at once with 413 and closes the connection", async () => {
    const { url, handled } = await echoApp();
    // Only the headers are sent: the answer must come without the body.
    const answer = await rawRequest(url, `POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT * 100}\r\n\r\n{`);
    expect({ status: answer.status, connection: answer.headers.connection }).toEqual({ status: 413, connection: "close" });
    expect(answer.body).toContain('"code":"payload_too_large"');
    expect(handled).toEqual([]);
  });

  it("refuses a chunked body that grows past the limit with 413", async () => {
    const { url } = await echoApp();
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"text":"${"x".repeat(LIMIT)}"}`));
        controller.close();
      },
    });
    const response = await fetch(`${url}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: chunks, duplex: "half" } as RequestInit);
    await expectProblem(response, 413, "payload_too_large");
  });

  it("refuses malformed JSON and JSON that is not an object or array with 400 malformed_json", async () => {
    const { url, handled } = await echoApp();
    await expectProblem(await post(url, "application/json", '{"title": '), 400, "malformed_json");
    await expectProblem(await post(url, "application/json", '"just a string"'), 400, "malformed_json");
    expect(handled).toEqual([]);
  });

  it("refuses bytes that are not UTF-8 with 400 invalid_encoding, in JSON and in forms", async () => {
    const { url, handled } = await echoApp();
    const invalid = (prefix: string, suffix: string) => new Uint8Array([...Buffer.from(prefix), 0xc3, 0x28, ...Buffer.from(suffix)]);
    await expectProblem(await post(url, "application/json", invalid('{"title":"', '"}')), 400, "invalid_encoding");
    await expectProblem(await post(url, "application/x-www-form-urlencoded", invalid("title=", "")), 400, "invalid_encoding");
    expect(handled).toEqual([]);
  });

  it(`accepts JSON nested ${MAX_JSON_DEPTH} levels deep and refuses one level more with 400 nesting_too_deep`, async () => {
    const { url, handled } = await echoApp();
    expect((await post(url, "application/json", nested(MAX_JSON_DEPTH))).status).toBe(200);
    await expectProblem(await post(url, "application/json", nested(MAX_JSON_DEPTH + 1)), 400, "nesting_too_deep");
    expect(handled).toHaveLength(1);
  });

  it("refuses a form with more than 50 fields with 413", async () => {
    const { url } = await echoApp();
    const fields = (count: number) => Array.from({ length: count }, (_, index) => `f${index}=1`).join("&");
    expect((await post(url, "application/x-www-form-urlencoded", fields(50))).status).toBe(200);
    await expectProblem(await post(url, "application/x-www-form-urlencoded", fields(51)), 413, "payload_too_large");
  });
});

describe("jsonDepth", () => {
  it("measures objects and arrays, not scalars", () => {
    expect(jsonDepth("text")).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: null }] })).toBe(3);
  });

  it("measures a hostile depth without recursion, stopping early", () => {
    let value: unknown = [];
    for (let index = 0; index < 50_000; index += 1) value = [value];
    expect(jsonDepth(value)).toBe(MAX_JSON_DEPTH + 1);
    expect(jsonDepth(value, Number.POSITIVE_INFINITY)).toBe(50_001);
  });
});
