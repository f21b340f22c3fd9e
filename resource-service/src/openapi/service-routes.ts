// The routes the service answers outside its features: liveness and
// readiness (service-kit's healthRoutes), this document (router.ts) and the
// metrics (service-kit's installMetrics). No route table of ours serves them,
// so they are described here; test/openapi.test.ts walks the app's router and
// fails when a route is served but not documented, or documented but not served.
import { z } from "zod";
import type { Method, Success } from "../http/operations.js";
import type { ProblemCode } from "../http/problems.js";

export interface ServiceRoute {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  /** No token at all, or the operator's metrics token (METRICS_TOKEN). */
  auth: "none" | "metrics";
  success: readonly Success[];
  /** Codes of this route beyond those its auth implies (see http/problems.ts). */
  problems: readonly ProblemCode[];
}

export const serviceTag = { name: "service", description: "Health, readiness and this document." };

export const healthStatus = z.object({ status: z.literal("ok") }).describe("The process can serve.");
export const readyStatus = z.object({ status: z.literal("ready") }).describe("The service and its database can serve.");
/** This very document; its own structure is OpenAPI 3.1's. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string() }).describe("An OpenAPI 3.1 document.");

export const serviceRoutes: readonly ServiceRoute[] = [
  {
    method: "get",
    path: "/healthz",
    operationId: "getLiveness",
    summary: "Liveness",
    description: "200 as long as the process can serve.",
    auth: "none",
    success: [{ status: 200, description: "Live.", schema: healthStatus }],
    problems: [],
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "getReadiness",
    summary: "Readiness",
    description: "200 while the database answers; 503 while it does not, or once shutdown began.",
    auth: "none",
    success: [{ status: 200, description: "Ready.", schema: readyStatus }],
    problems: ["database_unavailable", "shutting_down"],
  },
  {
    method: "get",
    path: "/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    description: "Public and cacheable; send `If-None-Match` with its `ETag` to revalidate.",
    auth: "none",
    success: [
      { status: 200, description: "The OpenAPI 3.1 document.", schema: openApiDocumentSchema, headers: { ETag: { description: "The document's version.", required: true } } },
      { status: 304, description: "Not modified since the `ETag` given in `If-None-Match`." },
    ],
    problems: [],
  },
];

/** GET /metrics, when the main port serves it (METRICS_TOKEN without METRICS_PORT: service-kit's installMetrics). */
export const metricsRoute: ServiceRoute = {
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  summary: "Prometheus metrics",
  description:
    "Request counts and latencies by route template and status, token verifications by outcome and reason, JWKS fetches and token cache lookups, in Prometheus's text format. Served here only because METRICS_TOKEN is set without METRICS_PORT; with METRICS_PORT it moves to a listener of its own.",
  auth: "metrics",
  success: [{ status: 200, description: "The metrics.", mediaType: "text/plain", schema: z.string().describe("Prometheus text exposition format 0.0.4.") }],
  problems: [],
};
