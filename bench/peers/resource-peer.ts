// Peer 1 of `npm run bench:compare`: the resource-service's post reads written by hand, as a
// user would with Express 5, jose and pg. Same routes, same rows, same visibility rule: a
// public post for everyone unless a moderator hid it (then for its author and moderators),
// a private one for its author only, 404 otherwise.
import express, { type RequestHandler } from "express";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import pg from "pg";
import "./exit-on-sigterm.js";

const { PORT, DATABASE_URL, AUTH_ISSUER, AUTH_AUDIENCE } = process.env;
if (!PORT || !DATABASE_URL || !AUTH_ISSUER || !AUTH_AUDIENCE) throw new Error("Set PORT, DATABASE_URL, AUTH_ISSUER and AUTH_AUDIENCE.");

pg.types.setTypeParser(pg.types.builtins.TIMESTAMP, (text) => new Date(`${text}Z`)); // stored in UTC
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 });
const jwks = createRemoteJWKSet(new URL(`${AUTH_ISSUER}/api/auth/jwks`));

// Verified tokens until they expire; at most 1,000, the oldest goes first.
const verified = new Map<string, JWTPayload>();
async function verify(token: string): Promise<JWTPayload> {
  const cached = verified.get(token);
  if (cached && (cached.exp ?? 0) * 1000 > Date.now()) return cached;
  const { payload } = await jwtVerify(token, jwks, { issuer: AUTH_ISSUER, audience: AUTH_AUDIENCE, algorithms: ["EdDSA"], requiredClaims: ["sub", "exp"] });
  if (verified.size >= 1000) verified.delete(verified.keys().next().value ?? "");
  verified.set(token, payload);
  return payload;
}

/** Anonymous without an Authorization header; 401 for a token that does not verify. */
const optionalAuth: RequestHandler = async (req, res, next) => {
  const header = req.headers.authorization;
  if (!header) return next();
  try {
    const claims = await verify(header.replace(/^Bearer /i, ""));
    res.locals.sub = claims.sub;
    res.locals.moderator = claims.role === "moderator" || claims.role === "admin";
  } catch {
    res.status(401).set("www-authenticate", 'Bearer error="invalid_token"').json({ code: "invalid_token" });
    return;
  }
  next();
};

const columns = `id, "authorId", title, body, visibility, "createdAt", "updatedAt", "hiddenAt", "hiddenReason"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const app = express();

app.get("/api/v1/posts", optionalAuth, async (req, res) => {
  const limit = Math.min(Math.max(Number(req.query.limit ?? 20) || 20, 1), 100);
  const cursor = typeof req.query.cursor === "string" && UUID.test(req.query.cursor) ? req.query.cursor : undefined;
  const { rows } = await pool.query(
    `SELECT ${columns} FROM posts WHERE ((visibility = 'public' AND ("hiddenAt" IS NULL OR $3)) OR "authorId" = $1)${cursor ? " AND id < $4" : ""} ORDER BY id DESC LIMIT $2`,
    [res.locals.sub ?? null, limit + 1, res.locals.moderator === true, ...(cursor ? [cursor] : [])],
  );
  const items = rows.slice(0, limit);
  res.json({ items, nextCursor: rows.length > limit ? items.at(-1).id : null });
});

app.get("/api/v1/posts/:id", optionalAuth, async (req, res) => {
  const id = String(req.params.id);
  const { rows } = UUID.test(id) ? await pool.query(`SELECT ${columns} FROM posts WHERE id = $1`, [id]) : { rows: [] };
  const post = rows[0];
  const visible = post && (post.authorId === res.locals.sub || (post.visibility === "public" && (post.hiddenAt === null || res.locals.moderator === true)));
  if (!visible) return void res.status(404).json({ code: "not_found" });
  res.json(post);
});

app.listen(Number(PORT), "127.0.0.1");
