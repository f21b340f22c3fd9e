// Sends an operation's JSON answer as Express's res.json would (the same
// Content-Type, Content-Length, weak ETag, 304 to a matching If-None-Match
// and no body for HEAD), with one difference: an answer marked no-store gets
// no ETag. Nobody may keep it, so nobody can revalidate it, and hashing every
// answer for nothing (a page of posts is kilobytes) is a cost on every
// request. The public, revalidated answers (http/cache.ts) keep theirs.
import type { Request, Response } from "express";
import { PRIVATE } from "./cache.js";

type ETagOf = (body: Buffer) => string;

export function sendJson(req: Request, res: Response, status: number, value: unknown): void {
  // Encoded once, outside V8's heap (a page of posts is kilobytes, and every
  // copy of it on the heap is work for the garbage collector), and written
  // after the head without being joined to it.
  const body = Buffer.from(JSON.stringify(value), "utf8");
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  if (res.getHeader("cache-control") !== PRIVATE) {
    // The app's ETag setting, as res.send uses it (Express compiles it to "etag fn").
    const etagOf = req.app.get("etag fn") as ETagOf | undefined;
    if (etagOf) res.setHeader("etag", etagOf(body));
    if (req.fresh) {
      res.statusCode = 304;
      res.removeHeader("content-type");
      res.end();
      return;
    }
  }
  res.setHeader("content-length", body.length);
  res.end(req.method === "HEAD" ? undefined : body);
}
