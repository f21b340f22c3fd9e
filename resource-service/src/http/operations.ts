// The route table: each feature declares its operations once (method, path,
// auth, the zod schemas of what they take and answer, the problem codes they
// can answer, and the handler), and both the Express router (here) and the
// OpenAPI document (openapi/document.ts) are built from that declaration.
//
// Everything is decided when the routes are added. Per request a route runs,
// as one middleware, its body parsers (if it takes a body), its auth
// middleware (with the caching policy of its auth mode, http/cache.ts), its
// checks, then its handler: validation only for the query and body it
// declares, then the handler, then the answer encoded by the declared
// response schema (encode.ts: compiled from it once, not validated again) and
// sent (send.ts).
import type { Principal } from "@authbridge/verifier";
import { requireRole } from "@authbridge/verifier/express";
import { sequence } from "@authbridge/service-kit";
import type { Express, Request, RequestHandler, Response } from "express";
import { z } from "zod";
import { answersByCaller, privateAnswers } from "./cache.js";
import { caller } from "./caller.js";
import { encoderOf } from "./encode.js";
import { sendJson } from "./send.js";
import type { ProblemCode } from "./problems.js";
import { validate } from "./validation.js";
import { isWrite, requireVerifiedEmail } from "./verified-email.js";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call an operation: "required", a caller with a valid bearer token;
 * "optional", anyone, though a token that is sent must be valid (an anonymous
 * caller gets the public view). An operation that needs a role of its caller
 * names it in `roles` (see Declaration).
 */
export type Auth = "required" | "optional";

export interface Header {
  description: string;
  required: boolean;
  /** The values it may have, when they are a fixed few. */
  values?: readonly string[];
  /** A pattern its value matches (ECMAScript regular expression). */
  pattern?: string;
}

/** What a handler's result is answered with, for a schema (undefined: no body). */
type Result<Schema> = Schema extends z.ZodType ? z.output<Schema> : void;

/** An operation's successful answer: its result encoded by `schema` as JSON, or no body. */
export interface Answer<Schema extends z.ZodType | undefined = z.ZodType | undefined> {
  status: number;
  description: string;
  /** The body, encoded from the handler's result (absent for an answer without one). */
  schema?: Schema;
  /** A Location header naming what the answer is about: `path(result)` below the feature's path. */
  location?: { description: string; path(result: Result<Schema>): string };
}

/** A successful answer as the OpenAPI document describes it: routes served elsewhere (openapi/service-routes.ts) may have other media types and headers. */
export interface Success extends Omit<Answer, "location"> {
  /** The body's media type; JSON unless given. */
  mediaType?: string;
  headers?: Record<string, Header>;
}

/**
 * What differs between the methods of one operation served under several, such
 * as PATCH (some fields) and PUT (every field) of one resource: spread it into
 * the declaration they share.
 */
export interface MethodVariant<Body> {
  method: Method;
  operationId: string;
  summary: string;
  body: z.ZodType<Body>;
}

/** Path parameters: strings, exactly the `:name`s of the path (checked when the router is built). */
export type PathParams = z.ZodObject<Record<string, z.ZodString>>;

type Parsed<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

/** What a handler gets: the caller, and the operation's inputs, validated. */
export interface Input<A extends Auth, P, Q, B> {
  caller: A extends "required" ? Principal : Principal | undefined;
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

/** One operation of a feature, typed by its schemas (see `feature`). */
export interface Declaration<
  Services,
  A extends Auth,
  P extends PathParams | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> {
  operationId: string;
  method: Method;
  /** Below the feature's path, as Express routes it (`/:id`; `/` for the feature's path itself). */
  path: string;
  summary: string;
  description?: string;
  auth: A;
  /**
   * The token's `role` must be one of these (the verifier's requireRole): 403
   * insufficient_scope otherwise. Only with auth "required".
   */
  roles?: A extends "required" ? readonly [string, ...string[]] : never;
  params?: P;
  /** Validated before the handler runs (422 validation_failed). */
  query?: Q;
  /** A JSON body, validated before the handler runs (422 validation_failed). */
  body?: B;
  success: Answer<R>;
  /** Codes the handler can answer beyond those its auth, body and query imply (http/problems.ts). */
  problems: readonly ProblemCode[];
  /** Thin: call a service with the inputs; its result is answered through `success.schema`; errors are thrown. */
  handler(input: Input<A, P, Q, B>, services: Services): Promise<Result<R>>;
}

export type Operation<Services = never> = Declaration<
  Services,
  Auth,
  PathParams | undefined,
  z.ZodObject | undefined,
  z.ZodType | undefined,
  z.ZodType | undefined
>;

/** A feature's routes: mounted at `path`, documented under `tag`. */
export interface Feature<Services = never> {
  path: string;
  tag: { name: string; description: string };
  /** Schemas the OpenAPI document names (components/schemas) instead of repeating. */
  schemas: Record<string, z.ZodType>;
  operations: ReadonlyArray<Operation<Services>>;
}

/** Declares one operation, inferring its input and result types from its schemas. */
export type OperationDeclarer<Services> = <
  const A extends Auth,
  P extends PathParams | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(
  declaration: Declaration<Services, A, P, Q, B, R>,
) => Operation<Services>;

/**
 * Declares a feature whose handlers use `Services`: `operations` gets the
 * helper that types each operation's handler from its schemas.
 *
 * @example
 * export const postRoutes = feature<{ posts: PostService }>({
 *   path: "/api/v1/posts", tag: { name: "posts", description: "Posts." }, schemas: { Post: post },
 *   operations: (operation) => [
 *     operation({ operationId: "getPost", method: "get", path: "/:id", summary: "Get a post", auth: "optional", params: postPath,
 *       success: { status: 200, description: "The post.", schema: post }, problems: ["not_found"],
 *       handler: ({ params, caller }, { posts }) => posts.get(params.id, caller) }),
 *   ],
 * });
 */
export function feature<Services>({ operations, ...rest }: Omit<Feature<Services>, "operations"> & { operations(operation: OperationDeclarer<Services>): Array<Operation<Services>> }): Feature<Services> {
  return { ...rest, operations: operations((declaration) => declaration) };
}

/** The middleware that authenticates callers, one per auth mode (the verifier's requireAuth and optionalAuth). */
export interface Authenticators {
  required: RequestHandler;
  optional: RequestHandler;
}

/** What a deployment asks of callers beyond a valid token. */
export interface CallerRequirements {
  /** Writes (http/verified-email.ts) need a verified email address. */
  verifiedEmailForWrites: boolean;
}

/** What every route runs around its own work. */
export interface RouteContext {
  /** Authenticates callers, per auth mode. */
  authenticators: Authenticators;
  /** Reads a request's body (service-kit's requestBodies), for the operations that take one. */
  bodies: RequestHandler;
  requirements?: CallerRequirements;
}

/**
 * Adds `feature`'s routes to `app`, at `feature.path` followed by each
 * operation's path. Each route is one layer in Express's router: its body
 * parsers (if it takes a body), auth (with its caching policy), checks and
 * handler run as one middleware (service-kit's sequence), not as a router of
 * their own.
 */
export function mountFeature<Services>(app: Express, feature: Feature<Services>, services: Services, { authenticators, bodies, requirements = { verifiedEmailForWrites: false } }: RouteContext): void {
  const authMiddleware = authMiddlewareOf(authenticators);
  for (const operation of feature.operations) {
    checkParams(feature, operation);
    const { roles } = operation;
    if (roles && operation.auth !== "required") throw new Error(`${operation.operationId} names roles, so its auth must be "required".`);
    const checks = [...(roles ? [requireRole(...roles)] : []), ...(requirements.verifiedEmailForWrites && isWrite(operation) ? [requireVerifiedEmail] : [])];
    const path = operation.path === "/" ? feature.path : `${feature.path}${operation.path}`;
    // Only an operation that takes a body reads one; any other ignores a body sent to it (Node discards it).
    const reads = operation.body ? [bodies] : [];
    app[operation.method](path, sequence(...reads, authMiddleware[operation.auth], ...checks, handlerOf(feature, operation, services)));
  }
}

/** Each auth mode's middleware, with the caching policy that goes with it (http/cache.ts). */
function authMiddlewareOf({ required, optional }: Authenticators): Record<Auth, RequestHandler> {
  return { required: privateAnswers(required), optional: answersByCaller(optional) };
}

function handlerOf<Services>(feature: Feature<Services>, operation: Operation<Services>, services: Services): RequestHandler {
  const { auth, query, body, success } = operation;
  const callerOf = auth === "required" ? caller : (req: Request) => req.auth;
  const answer = answerOf(feature.path, success);
  return async (req, res) => {
    const input = {
      caller: callerOf(req),
      // Strings: a path of plain :name parameters (checkParams) has no wildcard, whose value would be an array.
      params: req.params as Record<string, string>,
      query: query && validate(query, req.query, "query"),
      body: body && validate(body, req.body, "body"),
    };
    answer(req, res, await operation.handler(input, services));
  };
}

function answerOf(featurePath: string, { status, schema, location }: Answer): (req: Request, res: Response, result: unknown) => void {
  if (!schema) {
    return (_req, res) => {
      res.status(status).end();
    };
  }
  const encode = encoderOf(schema);
  return (req, res, result) => {
    if (location) res.location(`${featurePath}/${location.path(result)}`);
    sendJson(req, res, status, encode(result));
  };
}

/** The path's `:name`s and the params schema's keys must be the same: the handler reads them as strings. */
function checkParams(feature: Feature<never>, { operationId, path, params }: Operation<never>): void {
  const inPath = [...path.matchAll(/:(\w+)/g)].map(([, name]) => name).sort();
  const declared = Object.keys(params?.shape ?? {}).sort();
  if (/[{}*?]/.test(path) || inPath.join() !== declared.join()) {
    throw new Error(
      `${operationId} (${feature.path}${path}) must declare exactly the parameters of its path, and its path only plain :name parameters: the path has [${inPath.join(", ")}], params has [${declared.join(", ")}].`,
    );
  }
}
