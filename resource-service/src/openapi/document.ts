// The OpenAPI 3.1 document of the resource-service, generated from the
// features' route tables (features.ts: the operations and the zod schemas
// that validate their requests and shape their answers), the service's own
// routes (service-routes.ts) and the catalog of its problem codes
// (http/problems.ts). Nothing in it is kept by hand apart from prose.
import { z } from "zod";
import type { ResourceServiceConfig } from "../config.js";
import { features } from "../features.js";
import { PRIVATE, PUBLIC_REVALIDATED } from "../http/cache.js";
import type { Auth, Feature, Header, Method, Operation, Success } from "../http/operations.js";
import { healthStatus, metricsRoute, readyStatus, serviceRoutes, serviceTag, type ServiceRoute } from "./service-routes.js";
import {
  bearerOptionalProblems,
  bearerRequiredProblems,
  everyRequestProblems,
  fieldError,
  jsonBodyProblems,
  metricsTokenProblems,
  problem,
  problemCatalog,
  problemNarrowing,
  queryProblems,
  roleProblems,
  validationProblem,
  verifiedEmailProblems,
  type ProblemCode,
} from "../http/problems.js";
import { isWrite } from "../http/verified-email.js";

export type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, JsonSchema>> };

export interface DocumentOptions {
  /** The issuer whose tokens this deployment accepts: the auth-service's URL. */
  issuer: string;
  /** The audiences a token must name one of. */
  audience: readonly string[];
  /** Whether the main port serves GET /metrics (behind METRICS_TOKEN). */
  metricsOnMainPort: boolean;
  /** Whether writes answer 403 email_unverified to an unverified caller (REQUIRE_VERIFIED_EMAIL_FOR_WRITES). */
  verifiedEmailForWrites?: boolean;
}

/** What a deployment's document says about it, from its configuration. */
function documentOptionsOf(config: Pick<ResourceServiceConfig, "auth" | "metrics">): DocumentOptions {
  return {
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    // service-kit's installMetrics: a token without a port of its own serves /metrics on the main port.
    metricsOnMainPort: config.metrics.token !== undefined && config.metrics.port === undefined,
    verifiedEmailForWrites: config.auth.requireVerifiedEmailForWrites,
  };
}

/** An operation as the document describes it: a feature's, or one of the service's own routes. */
export interface DocumentedOperation {
  method: Method;
  /** The whole path as Express routes it (`:id` parameters). */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth | ServiceRoute["auth"];
  /** The roles the caller's token must carry one of. */
  roles?: readonly string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  success: readonly Success[];
  problems: readonly ProblemCode[];
}

/** Every operation the document describes, features first, in the order they are declared. */
export function documentedOperations({ metricsOnMainPort, verifiedEmailForWrites = false }: Pick<DocumentOptions, "metricsOnMainPort" | "verifiedEmailForWrites">): DocumentedOperation[] {
  return [
    ...features.flatMap((feature) => feature.operations.map((operation) => featureOperation(feature, operation, verifiedEmailForWrites))),
    ...[...serviceRoutes, ...(metricsOnMainPort ? [metricsRoute] : [])].map((route) => ({ ...route, tag: serviceTag.name })),
  ];
}

function featureOperation(feature: Feature, { handler: _handler, path, success, ...operation }: Operation, verifiedEmailForWrites: boolean): DocumentedOperation {
  const { location, ...answer } = success;
  return {
    ...operation,
    problems: verifiedEmailForWrites && isWrite(operation) ? [...operation.problems, ...verifiedEmailProblems] : operation.problems,
    path: path === "/" ? feature.path : `${feature.path}${path}`,
    tag: feature.tag.name,
    success: [location ? { ...answer, headers: { Location: { description: location.description, required: true } } } : answer],
  };
}

/** Schemas every document names, whatever the features: errors, health and readiness. */
const sharedComponents: Record<string, z.ZodType> = {
  Problem: problem,
  ValidationProblem: validationProblem,
  FieldError: fieldError,
  HealthStatus: healthStatus,
  ReadyStatus: readyStatus,
};

/** Schemas the document names (components/schemas) instead of repeating: the features' and the shared ones. */
function components(): Record<string, z.ZodType> {
  const named: Record<string, z.ZodType> = {};
  for (const schemas of [...features.map((feature) => feature.schemas), sharedComponents]) {
    for (const [name, schema] of Object.entries(schemas)) {
      if (name in named) throw new Error(`Two schemas of the document are named ${name}: give each component a name of its own.`);
      named[name] = schema;
    }
  }
  return named;
}

const SECURITY_SCHEME = "bearerAuth";
const METRICS_SECURITY_SCHEME = "metricsToken";
const PROBLEM_JSON = "application/problem+json";
const componentRef = (name: string) => `#/components/schemas/${name}`;

/** The document of a deployment, from its configuration. */
export function openApiDocumentFor(config: Pick<ResourceServiceConfig, "auth" | "metrics">): OpenApiDocument {
  return openApiDocument(documentOptionsOf(config));
}

/** Builds the document for a deployment (its issuer and audiences appear in the security scheme). */
export function openApiDocument(options: DocumentOptions): OpenApiDocument {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(components())) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: "input", uri: componentRef }).schemas;
  if ("__shared" in generated) throw new Error("A schema is shared between components without a name of its own: add it to the components.");
  const schemas = Object.fromEntries(Object.entries(generated).map(([id, schema]) => [id, withoutRootKeys(schema)]));

  /** Requests and responses are JSON: the input side of each schema (what travels). */
  const jsonSchema = (schema: z.ZodType): JsonSchema => {
    const name = registry.get(schema)?.id;
    return name ? { $ref: componentRef(name) } : withoutRootKeys(z.toJSONSchema(schema, { io: "input" }));
  };

  const paths: OpenApiDocument["paths"] = {};
  for (const operation of documentedOperations(options)) {
    const path = operation.path.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [operation.method]: describeOperation(operation, jsonSchema) };
  }

  return {
    openapi: "3.1.1",
    info: {
      title: "authbridge resource-service",
      version: "1",
      description: [
        "Users and posts, with per-user ownership and moderation by moderators and admins (the token's `role` claim), behind bearer JWTs issued by the auth-service.",
        "",
        "Every error is `application/problem+json` (RFC 9457) with `type` (`urn:authbridge:problem:<code>`), `title`, `status`, `detail` and a stable `code`: match on `code`. Each operation lists the codes it can answer. A path or method not listed here answers 404 `not_found`.",
        "",
        "Request bodies are JSON (at most 64 KB) and validated strictly: an unknown field is refused with 422 `validation_failed`, never ignored.",
        "",
        `Caching: an answer that depends on the caller, and every error, is \`Cache-Control: ${PRIVATE}\`. Routes where the token is optional vary on \`Authorization\` and answer an anonymous caller \`Cache-Control: ${PUBLIC_REVALIDATED}\`: a shared cache may keep that public view, but revalidates it (\`If-None-Match\`, 304) every time.`,
      ].join("\n"),
    },
    tags: [...features.map((feature) => feature.tag), serviceTag],
    paths,
    components: {
      schemas,
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: [
            `A JWT from the auth-service (the issuer, ${options.issuer}): \`GET ${options.issuer.replace(/\/$/, "")}/api/auth/token\` with a Better Auth session cookie answers \`{ token }\`.`,
            `Tokens are EdDSA-signed, carry a \`kid\`, live 15 minutes, and must name ${options.audience.map((audience) => `\`${audience}\``).join(" or ")} in \`aud\`.`,
            "Send one `Authorization: Bearer <token>` header; a token in the query string is refused.",
          ].join(" "),
        },
        ...(options.metricsOnMainPort
          ? { [METRICS_SECURITY_SCHEME]: { type: "http", scheme: "bearer", description: "The operator's METRICS_TOKEN, for Prometheus scrapes: not a user's JWT." } }
          : {}),
      },
    },
  };
}

/** zod's `$schema` (and, for components, `$id`) belong to standalone schemas, not to a document's. */
function withoutRootKeys(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

function describeOperation(operation: DocumentedOperation, jsonSchema: (schema: z.ZodType) => JsonSchema): JsonSchema {
  const parameters = [...parametersOf(operation.params, "path", jsonSchema), ...parametersOf(operation.query, "query", jsonSchema)];
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description || operation.roles ? { description: [operation.description, rolesSentence(operation.roles)].filter(Boolean).join("\n\n") } : {}),
    // OpenAPI 3.1: for a scheme other than OAuth2 or OpenID Connect, the array lists the role names the operation needs.
    security: { required: [{ [SECURITY_SCHEME]: [...(operation.roles ?? [])] }], optional: [{}, { [SECURITY_SCHEME]: [] }], none: [], metrics: [{ [METRICS_SECURITY_SCHEME]: [] }] }[operation.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(operation.body) } } } } : {}),
    responses: { ...successResponses(operation, jsonSchema), ...problemResponses(problemCodesOf(operation), jsonSchema) },
  };
}

function rolesSentence(roles: readonly string[] | undefined): string | undefined {
  if (!roles) return undefined;
  return `Needs a token whose \`role\` claim is ${roles.map((role) => `\`${role}\``).join(" or ")}; any other caller gets 403 \`insufficient_scope\`.`;
}

function parametersOf(schema: z.ZodObject | undefined, location: "path" | "query", jsonSchema: (schema: z.ZodType) => JsonSchema): JsonSchema[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: location,
    required: location === "path" || required.includes(name),
    ...(typeof description === "string" ? { description } : {}),
    schema: property,
  }));
}

/** The caching headers of a route's successful answers, from its auth (http/cache.ts). */
const cachingHeaders: Record<DocumentedOperation["auth"], Record<string, Header>> = {
  required: { "Cache-Control": { description: "`no-store`: the answer is the caller's own.", required: true, values: [PRIVATE] } },
  optional: {
    "Cache-Control": {
      description: `\`${PRIVATE}\` for a caller with a token; \`${PUBLIC_REVALIDATED}\` for an anonymous one (a shared cache may keep the public view, revalidating it with \`If-None-Match\` every time).`,
      required: true,
      values: [PRIVATE, PUBLIC_REVALIDATED],
    },
    Vary: { description: "Names `Authorization`: a token changes the answer.", required: true, pattern: "(^|,\\s*)Authorization(\\s*,|$)" },
  },
  none: {},
  metrics: {},
};

/** An anonymous answer of an optional-auth GET can be revalidated: 304 when its ETag still matches. */
function notModified(operation: DocumentedOperation): Success[] {
  if (operation.auth !== "optional" || operation.method !== "get") return [];
  return [{ status: 304, description: "Not modified since the `ETag` given in `If-None-Match` (an anonymous caller's public view)." }];
}

function successResponses(operation: DocumentedOperation, jsonSchema: (schema: z.ZodType) => JsonSchema): Record<string, JsonSchema> {
  const caching = cachingHeaders[operation.auth];
  return Object.fromEntries(
    [...operation.success, ...notModified(operation)].map(({ status, description, schema, mediaType = "application/json", headers }) => {
      const all = { ...headers, ...caching };
      return [
        String(status),
        {
          description,
          ...(Object.keys(all).length > 0 ? { headers: headerObjects(all) } : {}),
          ...(schema ? { content: { [mediaType]: { schema: jsonSchema(schema) } } } : {}),
        },
      ];
    }),
  );
}

/** The codes an operation can answer: those of everything it does, then its own, in catalog order. */
export function problemCodesOf(operation: DocumentedOperation): ProblemCode[] {
  const codes = new Set<ProblemCode>([
    ...everyRequestProblems,
    ...{ required: bearerRequiredProblems, optional: bearerOptionalProblems, none: [], metrics: metricsTokenProblems }[operation.auth],
    ...(operation.body ? jsonBodyProblems : []),
    ...(operation.query ? queryProblems : []),
    ...(operation.roles ? roleProblems : []),
    ...operation.problems,
  ]);
  return (Object.keys(problemCatalog) as ProblemCode[]).filter((code) => codes.has(code));
}

/** Which headers a problem carries: the RFC 6750 challenge with authentication errors, Retry-After with temporary ones. */
const problemHeaders: Partial<Record<ProblemCode, readonly string[]>> = {
  invalid_request: ["WWW-Authenticate"],
  token_missing: ["WWW-Authenticate"],
  token_expired: ["WWW-Authenticate"],
  token_invalid: ["WWW-Authenticate"],
  insufficient_scope: ["WWW-Authenticate"],
  unauthorized: ["WWW-Authenticate"],
  auth_unavailable: ["Retry-After"],
  database_unavailable: ["Retry-After"],
  deadline_exceeded: ["Retry-After"],
};

const headerDescriptions: Record<string, string> = {
  "WWW-Authenticate": 'The RFC 6750 challenge: `Bearer realm="..."`, with `error` and `error_description` when a token or header was refused.',
  "Retry-After": "Seconds to wait before retrying.",
};

function problemResponses(codes: readonly ProblemCode[], jsonSchema: (schema: z.ZodType) => JsonSchema): Record<string, JsonSchema> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = problemCatalog[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonSchema> = {};
  for (const [status, [first, ...rest]] of [...byStatus].sort(([a], [b]) => a - b)) {
    if (!first) continue;
    const group: [ProblemCode, ...ProblemCode[]] = [first, ...rest];
    const base = status === 422 ? validationProblem : problem;
    const headers: Record<string, Header> = {};
    for (const name of new Set(group.flatMap((code) => problemHeaders[code] ?? []))) {
      headers[name] = { description: headerDescriptions[name] ?? name, required: group.every((code) => problemHeaders[code]?.includes(name)) };
    }
    headers["Cache-Control"] = { description: "`no-store`: an error is never cached.", required: true, values: [PRIVATE] };
    responses[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${problemCatalog[code].when}.`).join("\n\n"),
      headers: headerObjects(headers),
      content: { [PROBLEM_JSON]: { schema: { allOf: [jsonSchema(base), jsonSchema(problemNarrowing(status, group))] } } },
    };
  }
  return responses;
}

function headerObjects(headers: Record<string, Header>): Record<string, JsonSchema> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, { description, required, values, pattern }]) => [
      name,
      { description, required, schema: { type: "string", ...(values ? { enum: [...values] } : {}), ...(pattern ? { pattern } : {}) } },
    ]),
  );
}
