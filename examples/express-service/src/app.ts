// Your own Express service, protected by @authbridge/verifier:
//
//   requireAuth(verifier)   a valid token or 401; req.auth is the caller
//   optionalAuth(verifier)  no token: anonymous; a bad token: still 401
//   requireRole(...roles)   after requireAuth: the token's role, or 403 insufficient_scope
//   authErrorHandler(...)   renders those as problem+json with the RFC 6750 challenge
//
// The notes live in memory: the point is who may see what, not storage.
import { randomUUID } from "node:crypto";
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from "express";
import type { Verifier } from "@authbridge/verifier";
import { authErrorHandler, optionalAuth, requireAuth, requireRole, type Principal } from "@authbridge/verifier/express";

export interface Note {
  id: string;
  authorId: string;
  text: string;
  createdAt: string;
}

/** The realm named in WWW-Authenticate challenges. */
export const REALM = "example-service";

export function createApp(verifier: Verifier): Express {
  const notes = new Map<string, Note[]>();
  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "16kb" }));

  // Anyone may call this; a signed-in caller is greeted by name.
  app.get("/hello", optionalAuth(verifier), (req, res) => {
    res.json({ message: req.auth ? `Hello, ${req.auth.name ?? req.auth.sub}.` : "Hello, stranger." });
  });

  app.get("/me", requireAuth(verifier), (req, res) => {
    const { sub, email, name, emailVerified } = caller(req);
    res.json({ id: sub, email, name, emailVerified });
  });

  // Each caller sees only their own notes: the token's `sub` is the owner.
  app.get("/notes", requireAuth(verifier), (req, res) => {
    res.json({ items: notes.get(caller(req).sub) ?? [] });
  });

  app.post("/notes", requireAuth(verifier), (req, res) => {
    const text: unknown = req.body?.text;
    if (typeof text !== "string" || text.trim() === "" || text.length > 1000) {
      problem(res, 422, "validation_failed", "text must be a string of 1 to 1000 characters.");
      return;
    }
    const note: Note = { id: randomUUID(), authorId: caller(req).sub, text: text.trim(), createdAt: new Date().toISOString() };
    notes.set(note.authorId, [...(notes.get(note.authorId) ?? []), note]);
    res.status(201).json(note);
  });

  // Admins only (the auth-service's `role` claim): how many people keep notes.
  app.get("/stats", requireAuth(verifier), requireRole("admin"), (_req, res) => {
    res.json({ authors: notes.size, notes: [...notes.values()].reduce((count, list) => count + list.length, 0) });
  });

  app.use(authErrorHandler({ realm: REALM }));
  app.use(lastResort);
  return app;
}

/** The caller requireAuth put on the request. */
function caller(req: Request): Principal {
  if (!req.auth) throw new Error("requireAuth must run before this handler.");
  return req.auth;
}

function problem(res: Response, status: number, code: string, detail: string): void {
  res.status(status).type("application/problem+json").send(JSON.stringify({ status, code, detail }));
}

/** Anything else: a body the JSON parser refused (4xx), or a bug (500, never described). */
const lastResort: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const status = (error as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) problem(res, status, "bad_request", "The request could not be read.");
  else problem(res, 500, "internal_error", "Something went wrong on our side.");
};
