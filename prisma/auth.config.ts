// Prisma CLI configuration for the auth-service database.
//
// Prisma 6.19 runs fully offline only through its WebAssembly schema engine
// (`engine: "js"`) with a driver adapter. The adapter gets discrete connection
// fields (not a connection string) and a short idle timeout, so the CLI exits as
// soon as its work is done instead of waiting for pg's pool to time out.
//
// Usage: DATABASE_URL=postgres://... npx prisma migrate deploy --config prisma/auth.config.ts
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { poolConfigFromUrl } from "./pool-config.ts";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "auth", "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "auth", "migrations") },
  adapter: async () => new PrismaPg({ ...poolConfigFromUrl(process.env.DATABASE_URL), idleTimeoutMillis: 100 }),
});
