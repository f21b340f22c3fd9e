// Prisma CLI configuration for the resource-service database (see auth.config.ts).
//
// Usage: DATABASE_URL=postgres://... npx prisma migrate deploy --config prisma/resource.config.ts
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { poolConfigFromUrl } from "./pool-config.ts";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(import.meta.dirname, "resource", "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "resource", "migrations") },
  adapter: async () => new PrismaPg({ ...poolConfigFromUrl(process.env.DATABASE_URL), idleTimeoutMillis: 100 }),
});
