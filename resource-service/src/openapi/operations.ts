// Every route the resource-service serves, described by the zod schemas its
// handlers validate with and answer through. test/openapi.test.ts walks the
// app's router and fails when a route is served but not listed here, or
// listed but not served.
import { z } from "zod";
import { post, postCreate, postListQuery, postPage, postPatch, postPath, postReplace } from "../posts/schemas.js";
import { ownProfile, profilePatch, profileReplace, publicProfile, userPath } from "../users/schemas.js";
import type { ProblemCode } from "../http/problems.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface Header {
  description: string;
  required: boolean;
  /** The values it may have, when they are a fixed few. */
  values?: readonly string[];
  /** A pattern its value matches (ECMAScript regular expression). */
  pattern?: string;
}

export interface Success {
  status: number;
  description: string;
  /** The body (absent for a response without one). */
  schema?: z.ZodType;
  /** The body's media type; JSON unless given. */
  mediaType?: string;
  headers?: Record<string, Header>;
}

export interface Operation {
  method: Method;
  /** The path as Express routes it (`:id` parameters). */
  path: string;
  operationId: string;
  tag: "posts" | "users" | "service";
  summary: string;
  description?: string;
  /** requireAuth, optionalAuth, no token at all, or the metrics token (METRICS_TOKEN). */
  auth: "required" | "optional" | "none" | "metrics";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  success: readonly Success[];
  /** Codes of this operation beyond those its auth, body and query imply (see problems.ts). */
  problems: readonly ProblemCode[];
}

const location: Header = { description: "The new post's path.", required: true };

export const healthStatus = z.object({ status: z.literal("ok") }).describe("The process can serve.");
export const readyStatus = z.object({ status: z.literal("ready") }).describe("The service and its database can serve.");
/** This very document; its own structure is OpenAPI 3.1's. */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string() }).describe("An OpenAPI 3.1 document.");

const postsOperations: Operation[] = [
  {
    method: "get",
    path: "/api/v1/posts",
    operationId: "listPosts",
    tag: "posts",
    summary: "List posts, newest first",
    description: "Everyone sees public posts; a signed-in caller also sees their own private ones. Pages by `cursor`.",
    auth: "optional",
    query: postListQuery,
    success: [{ status: 200, description: "One page of posts.", schema: postPage }],
    problems: ["database_unavailable"],
  },
  {
    method: "post",
    path: "/api/v1/posts",
    operationId: "createPost",
    tag: "posts",
    summary: "Create a post",
    auth: "required",
    body: postCreate,
    success: [{ status: 201, description: "The new post.", schema: post, headers: { Location: location } }],
    problems: ["database_unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/posts/:id",
    operationId: "getPost",
    tag: "posts",
    summary: "Get a post you may see",
    auth: "optional",
    params: postPath,
    success: [{ status: 200, description: "The post.", schema: post }],
    problems: ["not_found", "database_unavailable"],
  },
  {
    method: "patch",
    path: "/api/v1/posts/:id",
    operationId: "updatePost",
    tag: "posts",
    summary: "Change some fields of your post",
    auth: "required",
    params: postPath,
    body: postPatch,
    success: [{ status: 200, description: "The changed post.", schema: post }],
    problems: ["not_owner", "not_found", "database_unavailable"],
  },
  {
    method: "put",
    path: "/api/v1/posts/:id",
    operationId: "replacePost",
    tag: "posts",
    summary: "Replace every field of your post",
    auth: "required",
    params: postPath,
    body: postReplace,
    success: [{ status: 200, description: "The changed post.", schema: post }],
    problems: ["not_owner", "not_found", "database_unavailable"],
  },
  {
    method: "delete",
    path: "/api/v1/posts/:id",
    operationId: "deletePost",
    tag: "posts",
    summary: "Delete your post",
    auth: "required",
    params: postPath,
    success: [{ status: 204, description: "Deleted." }],
    problems: ["not_owner", "not_found", "database_unavailable"],
  },
];

const usersOperations: Operation[] = [
  {
    method: "get",
    path: "/api/v1/users/me",
    operationId: "getMe",
    tag: "users",
    summary: "Your profile",
    description: "Created from the token's claims on first use; `email` and `name` are kept in step with them.",
    auth: "required",
    success: [{ status: 200, description: "Your profile.", schema: ownProfile }],
    problems: ["database_unavailable"],
  },
  {
    method: "patch",
    path: "/api/v1/users/me",
    operationId: "updateMe",
    tag: "users",
    summary: "Change some fields of your profile",
    auth: "required",
    body: profilePatch,
    success: [{ status: 200, description: "Your changed profile.", schema: ownProfile }],
    problems: ["handle_taken", "database_unavailable"],
  },
  {
    method: "put",
    path: "/api/v1/users/me",
    operationId: "replaceMe",
    tag: "users",
    summary: "Replace every field of your profile",
    auth: "required",
    body: profileReplace,
    success: [{ status: 200, description: "Your changed profile.", schema: ownProfile }],
    problems: ["handle_taken", "database_unavailable"],
  },
  {
    method: "get",
    path: "/api/v1/users/:id",
    operationId: "getUser",
    tag: "users",
    summary: "Someone's public profile",
    auth: "optional",
    params: userPath,
    success: [{ status: 200, description: "Their public profile (never the email).", schema: publicProfile }],
    problems: ["not_found", "database_unavailable"],
  },
];

const serviceOperations: Operation[] = [
  {
    method: "get",
    path: "/healthz",
    operationId: "getLiveness",
    tag: "service",
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
    tag: "service",
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
    tag: "service",
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

export const operations: readonly Operation[] = [...postsOperations, ...usersOperations, ...serviceOperations];

/** GET /metrics, when the main port serves it (METRICS_TOKEN without METRICS_PORT: service-kit's installMetrics). */
export const metricsOperation: Operation = {
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tag: "service",
  summary: "Prometheus metrics",
  description:
    "Request counts and latencies by route template and status, token verifications by outcome and reason, JWKS fetches and token cache lookups, in Prometheus's text format. Served here only because METRICS_TOKEN is set without METRICS_PORT; with METRICS_PORT it moves to a listener of its own.",
  auth: "metrics",
  success: [{ status: 200, description: "The metrics.", mediaType: "text/plain", schema: z.string().describe("Prometheus text exposition format 0.0.4.") }],
  problems: [],
};
