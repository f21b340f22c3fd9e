// The posts the reads measure. Two through the resource-service's API (which also creates
// their authors' profiles): the caller's own private post (read with its token) and someone
// else's public post (read anonymously). The rest straight into its database, faster for
// hundreds: several authors, newest first by id (UUIDv7, as the service makes them), about
// one in five private.
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface SeededPosts {
  /** A private post of the token's user. */
  ownPrivateId: string;
  /** A public post of another user. */
  publicId: string;
  total: number;
}

/** A UUIDv7 (RFC 9562) for the given millisecond, like the resource-service's ids. */
function uuidv7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function createPost(apiUrl: string, token: string, visibility: "public" | "private"): Promise<string> {
  const response = await fetch(`${apiUrl}/api/v1/posts`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ title: `A ${visibility} post to read`, body: "Measured by npm run bench:compare. ".repeat(12).trim(), visibility }),
  });
  const body = (await response.json()) as { id?: unknown };
  if (response.status !== 201 || typeof body.id !== "string") throw new Error(`POST /api/v1/posts answered ${response.status}.`);
  return body.id;
}

const words = "token issuer audience session cookie service request answer database index cursor page author reader".split(" ");
const sentence = (n: number, seed: number) => Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 3) % words.length]).join(" ");

export async function seedPosts(apiUrl: string, databaseUrl: string, reader: { token: string; sub: string }, other: { token: string; sub: string }, total: number): Promise<SeededPosts> {
  const ownPrivateId = await createPost(apiUrl, reader.token, "private");
  const publicId = await createPost(apiUrl, other.token, "public");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const extraAuthors = ["bench-author-3", "bench-author-4", "bench-author-5"];
    await client.query(`INSERT INTO users (id, email, name, "updatedAt") SELECT id, id || '@example.com', id, now() FROM unnest($1::text[]) AS id`, [extraAuthors]);
    const authors = [reader.sub, other.sub, ...extraAuthors];
    const start = Date.now() - 60 * 86_400_000;
    const rows = Array.from({ length: total - 2 }, (_, i) => {
      const ms = start + i * Math.floor((59 * 86_400_000) / total);
      return { id: uuidv7(ms), author: authors[i % authors.length] ?? "", title: sentence(6, i), body: sentence(60, i), visibility: i % 5 === 0 ? "private" : "public", at: new Date(ms) };
    });
    await client.query(
      `INSERT INTO posts (id, "authorId", title, body, visibility, "createdAt", "updatedAt")
       SELECT id, author, title, body, visibility::"Visibility", at, at FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamp[]) AS t(id, author, title, body, visibility, at)`,
      [rows.map((r) => r.id), rows.map((r) => r.author), rows.map((r) => r.title), rows.map((r) => r.body), rows.map((r) => r.visibility), rows.map((r) => r.at.toISOString().replace("Z", ""))],
    );
    await client.query("ANALYZE posts");
  } finally {
    await client.end();
  }
  return { ownPrivateId, publicId, total };
}
