// Turns a postgres:// URL into the discrete fields node-postgres accepts. The
// Prisma CLI needs them discrete: with a connectionString, adapter-pg derives
// its shadow database pool from the string and ignores the database override.
export interface PoolFields {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export function poolConfigFromUrl(url: string | undefined): PoolFields {
  if (!url) {
    throw new Error("DATABASE_URL is not set: point it at the PostgreSQL database to migrate, for example postgres://postgres@127.0.0.1:5432/authbridge_auth.");
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`DATABASE_URL must be a postgres:// or postgresql:// URL, but its scheme is "${parsed.protocol}".`);
  }
  const host = parsed.searchParams.get("host") ?? decodeURIComponent(parsed.hostname);
  return {
    host: host || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || "postgres",
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    database: decodeURIComponent(parsed.pathname.slice(1)) || "postgres",
  };
}
