// Peer 2's schema: created in its own database with Better Auth's programmatic migrations.
import { getMigrations } from "better-auth/db/migration";
import { options } from "./better-auth-options.js";

const { runMigrations } = await getMigrations(options);
await runMigrations();
await options.database.end();
