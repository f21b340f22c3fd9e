// Posts in the resource-service's database. Plain objects out. Writes go
// through Prisma; the reads every request makes are prepared statements on
// the same pool (see db.ts), written against the table Prisma's schema defines.
import { prepared, type PreparedQuery } from "@authbridge/service-kit";
import type { Database } from "../db.js";
import { visibleToSql, type Viewer } from "./policy.js";
import { uuidv7 } from "../ids.js";
import type { PostChanges, PostInput } from "./schemas.js";

export interface PostRecord {
  id: string;
  authorId: string;
  title: string;
  body: string;
  visibility: "public" | "private";
  createdAt: Date;
  updatedAt: Date;
  /** When a moderator hid it, and why; null while it is not hidden. */
  hiddenAt: Date | null;
  hiddenReason: string | null;
}

export interface ListFilter {
  /** Only this author's posts. */
  authorId: string | undefined;
  /** The caller (posts/policy.ts decides what they see); undefined when anonymous. */
  viewer: Viewer | undefined;
  /** Posts older than this id (the previous page's last). */
  before: string | undefined;
  limit: number;
}

// Prisma stores DateTime as timestamp(3) without time zone, in UTC; the pool reads such columns as UTC (service-kit's postgres.ts).
const COLUMNS = `id, "authorId", title, body, visibility, "createdAt", "updatedAt", "hiddenAt", "hiddenReason"`;

const findById = prepared<PostRecord>("posts.find", `SELECT ${COLUMNS} FROM posts WHERE id = $1`);

/**
 * The list's statement for one combination of filters: each combination is its
 * own prepared statement, so PostgreSQL plans each with the index it can use.
 */
const listQueries = new Map<string, PreparedQuery<PostRecord>>();

function listQuery(filter: ListFilter): { query: PreparedQuery<PostRecord>; values: unknown[] } {
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  where.push(visibleToSql(filter.viewer, param));
  if (filter.authorId) where.push(`"authorId" = ${param(filter.authorId)}`);
  if (filter.before) where.push(`id < ${param(filter.before)}`);
  const limit = param(filter.limit);
  const name = `posts.list${filter.viewer ? (filter.viewer.moderator ? ".moderator" : ".viewer") : ""}${filter.authorId ? ".author" : ""}${filter.before ? ".before" : ""}`;
  let query = listQueries.get(name);
  if (!query) {
    query = prepared<PostRecord>(name, `SELECT ${COLUMNS} FROM posts WHERE ${where.join(" AND ")} ORDER BY id DESC LIMIT ${limit}`);
    listQueries.set(name, query);
  }
  return { query, values };
}

export function postRepository(db: Database) {
  return {
    create(authorId: string, input: PostInput): Promise<PostRecord> {
      return db.prisma.post.create({ data: { id: uuidv7(), authorId, ...input } });
    },
    async find(id: string): Promise<PostRecord | null> {
      const [post] = await db.query(findById, [id]);
      return post ?? null;
    },
    /** Newest first; the posts the viewer may read (posts/policy.ts). */
    list(filter: ListFilter): Promise<PostRecord[]> {
      const { query, values } = listQuery(filter);
      return db.query(query, values);
    },
    update(id: string, changes: PostChanges): Promise<PostRecord> {
      return db.prisma.post.update({ where: { id }, data: changes });
    },
    async delete(id: string): Promise<void> {
      await db.prisma.post.delete({ where: { id } });
    },
  };
}

export type PostRepository = ReturnType<typeof postRepository>;
