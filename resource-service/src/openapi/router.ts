// GET /openapi.json: the document, built once when the app is, public and
// cacheable. Its ETag is a hash of its bytes, so a client revalidates with
// If-None-Match and gets 304 until a deployment changes it.
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";
import type { ResourceServiceConfig } from "../config.js";
import { openApiDocumentFor } from "./document.js";

/** How long caches may keep the document without revalidating: short, as a deployment can change it. */
const MAX_AGE_SECONDS = 300;

export function openApiRoute(config: Pick<ResourceServiceConfig, "auth" | "metrics">): RequestHandler {
  const body = JSON.stringify(openApiDocumentFor(config));
  const etag = `"${createHash("sha256").update(body).digest("base64url")}"`;
  return (_req, res) => {
    // res.send answers 304 itself when If-None-Match names this ETag.
    res.set({ "cache-control": `public, max-age=${MAX_AGE_SECONDS}`, etag }).type("json").send(body);
  };
}
