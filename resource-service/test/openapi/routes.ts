// The routes an Express 5 app really serves, read from its router stack:
// route layers give their methods and path, mounted routers are walked with
// their mount path (router 2 keeps it as `rawPath`). Middleware (CORS, body
// parsers, the 404 and error handlers) serves no route of its own.
import type { Express } from "express";

export interface ServedRoute {
  /** Upper case, as sent. */
  method: string;
  /** Express syntax: /api/v1/posts/:id */
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle?: { stack?: Layer[] };
}

export function servedRoutes(app: Express): ServedRoute[] {
  const { router } = app as unknown as { router: { stack: Layer[] } };
  return walk(router.stack, "");
}

function walk(stack: Layer[], prefix: string): ServedRoute[] {
  return stack.flatMap((layer): ServedRoute[] => {
    if (layer.route) {
      const path = join(prefix, stringPath(layer.route.path));
      return Object.entries(layer.route.methods)
        .filter(([, served]) => served)
        .map(([method]) => ({ method: method === "_all" ? "ALL" : method.toUpperCase(), path }));
    }
    const nested = layer.handle?.stack;
    return nested ? walk(nested, join(prefix, stringPath(layer.rawPath))) : [];
  });
}

/** Only string paths can be compared with a document; a RegExp or array route fails loudly. */
function stringPath(path: unknown): string {
  if (typeof path !== "string") throw new Error(`A route path that is not a string cannot be documented: ${String(path)}`);
  return path;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, "/");
  return joined.length > 1 ? joined.replace(/\/$/, "") : joined;
}
