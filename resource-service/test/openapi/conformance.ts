// Checks real exchanges against the OpenAPI document, as a client generated
// from it would expect them: the operation exists (or the answer is the
// documented 404 for anything else), the status is documented for it, the
// media type is one it documents, the body validates against the schema
// (JSON Schema 2020-12, with formats), and the required headers are there,
// each with a value its schema allows (Cache-Control: no-store on an error).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import type { OpenApiDocument } from "../../src/openapi/document.js";
import type { Exchange } from "./recorder.js";

const DOCUMENT_ID = "https://authbridge.invalid/resource-service/openapi.json";
/** The document's own keys: to the validator, annotations around the schemas it holds. */
const OPENAPI_KEYWORDS = ["openapi", "info", "tags", "paths", "components", "servers", "security", "webhooks", "jsonSchemaDialect", "externalDocs"];

interface ResponseObject {
  content?: Record<string, unknown>;
  headers?: Record<string, { required?: boolean }>;
}

interface Route {
  template: string;
  pattern: RegExp;
  operations: Record<string, { responses: Record<string, ResponseObject> }>;
}

const PROBLEM_JSON = "application/problem+json";
const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export interface ConformanceChecker {
  /** What is wrong with `exchange` (nothing: an empty list). */
  violations(exchange: Exchange): string[];
}

export function conformanceChecker(document: OpenApiDocument): ConformanceChecker {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  formats.default(ajv);
  ajv.addVocabulary(OPENAPI_KEYWORDS);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string[]) => {
    const ref = `${DOCUMENT_ID}#/${pointer.map(escapePointer).join("/")}`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      validators.set(ref, validate);
    }
    return validate;
  };

  // OpenAPI: a concrete path matches before a templated one (/users/me before /users/{id}).
  const parameterCount = (template: string) => template.split("{").length;
  const routes: Route[] = Object.entries(document.paths)
    .map(([template, operations]) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`),
      operations: operations as Route["operations"],
    }))
    .sort((a, b) => parameterCount(a.template) - parameterCount(b.template));

  /**
   * The body against the response's `content`: `schemaAt(mediaType)` is where
   * its schema is in the document; `expected` are values some of its fields must have.
   */
  function checkBody(exchange: Exchange, content: Record<string, unknown> | undefined, schemaAt: (mediaType: string) => string[], expected: Record<string, unknown> = {}): string[] {
    const mediaType = (exchange.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!content) return exchange.body.length === 0 ? [] : [`has a body (${mediaType || "no content type"}), but none is documented`];
    if (exchange.method === "HEAD") return [];
    if (!(mediaType in content)) return [`is ${mediaType || "without a content type"}; documented: ${Object.keys(content).join(", ")}`];
    const text = exchange.body.toString("utf8");
    let body: unknown = text;
    if (/^application\/(.+\+)?json$/.test(mediaType)) {
      try {
        body = JSON.parse(text);
      } catch {
        return [`has a body that is not JSON: ${text.slice(0, 120)}`];
      }
    }
    const validate = validatorAt(schemaAt(mediaType));
    if (!validate(body)) return [`has a body the schema refuses: ${ajv.errorsText(validate.errors, { separator: "; " })} in ${JSON.stringify(body).slice(0, 300)}`];
    const fields = body as Record<string, unknown>;
    return Object.entries(expected)
      .filter(([key, value]) => fields[key] !== value)
      .map(([key, value]) => `has ${key} ${JSON.stringify(fields[key])}, not ${JSON.stringify(value)}`);
  }

  /** Required headers are there; every documented header that is there has a value its schema allows. `at` points at the response. */
  function checkHeaders(exchange: Exchange, response: ResponseObject, at: string[]): string[] {
    return Object.entries(response.headers ?? {}).flatMap(([name, header]) => {
      const value = exchange.headers[name.toLowerCase()];
      if (value === undefined) return header.required ? [`lacks the required ${name} header`] : [];
      const validate = validatorAt([...at, "headers", name, "schema"]);
      return validate(value) ? [] : [`has ${name}: ${value}, which the document does not allow (${ajv.errorsText(validate.errors, { separator: "; " })})`];
    });
  }

  function check(exchange: Exchange): string[] {
    if (exchange.method === "OPTIONS") {
      // CORS preflight, answered by the CORS layer on every path, outside the document.
      return exchange.status === 204 && exchange.body.length === 0 ? [] : ["is a preflight answer other than an empty 204"];
    }
    const path = exchange.url.split("?")[0] ?? "";
    const method = exchange.method === "HEAD" ? "get" : exchange.method.toLowerCase();
    const route = routes.find(({ pattern }) => pattern.test(path));
    const operation = route?.operations[method];
    if (!route || !operation) {
      // "A path or method not listed here answers 404 not_found" (the document's description).
      if (exchange.status !== 404) return [`is not documented (no ${method.toUpperCase()} ${path} in the document), yet answered ${exchange.status}`];
      return checkBody(exchange, { [PROBLEM_JSON]: {} }, () => ["components", "schemas", "Problem"], { code: "not_found", status: 404 });
    }
    const status = String(exchange.status);
    const response = operation.responses[status];
    if (!response) return [`is a status ${method.toUpperCase()} ${route.template} does not document (it documents ${Object.keys(operation.responses).join(", ")})`];
    const at = ["paths", route.template, method, "responses", status];
    return [...checkBody(exchange, response.content, (mediaType) => [...at, "content", mediaType, "schema"]), ...checkHeaders(exchange, response, at)];
  }

  return {
    violations: (exchange) => check(exchange).map((violation) => `${exchange.method} ${exchange.url} → ${exchange.status} ${violation}`),
  };
}
