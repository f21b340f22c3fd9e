// Roles for operators, on the auth-service's database: the way to make the
// first admin (after that, admins set roles through POST /api/auth/admin/set-role).
//
//   npm run roles -w @authbridge/auth-service -- set <email> <user|moderator|admin>
//   npm run roles -w @authbridge/auth-service -- list       (everyone whose role is not "user")
//
// It reads the same configuration as the service (DATABASE_URL, BETTER_AUTH_SECRET,
// REDIS_URL, ...) and changes the role through Better Auth, so that sessions
// cached in Redis carry the new role too. Tokens already minted keep the role
// they were minted with until they expire (JWT_EXPIRES_IN_SECONDS); the next
// token carries the new one.
import { createLogger } from "@authbridge/service-kit";
import { createAuth } from "../auth/better-auth.js";
import { isRole, ROLES } from "../auth/roles.js";
import { loadConfig } from "../config.js";
import { runCommand } from "./run.js";
import { createDatabase } from "../db.js";
import { createKeyStore } from "../keys/key-store.js";
import { createSigningKeys, signingKeysOptions } from "../keys/signing-keys.js";
import { connectRedis, createSharedLimits } from "../redis.js";
import { revocationPublisher } from "../sessions/revocations.js";
import { redisSecondaryStorage } from "../sessions/secondary-storage.js";

const USAGE = `Usage: roles set <email> <${ROLES.join("|")}> | roles list\n`;

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (command !== "set" && command !== "list") {
    process.stderr.write(USAGE);
    return 2;
  }
  const [email, role] = args;
  if (command === "set" && (!email || !isRole(role))) {
    process.stderr.write(`Name the account and one of the roles ${ROLES.map((name) => `"${name}"`).join(", ")}: roles set <email> <role>.\n`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger("auth-service-roles", "warn");
  const db = createDatabase(config.databaseUrl);
  const redis = config.redis ? connectRedis(config.redis.url, config.redis.keyPrefix, logger, config.redis.commandTimeoutMs) : undefined;
  try {
    await redis?.connect();
    const shared = redis && {
      limits: createSharedLimits(redis),
      sessionCache: redisSecondaryStorage(redis, logger),
      revocations: revocationPublisher(redis, logger, { tokenLifetimeSeconds: config.jwt.expiresInSeconds }),
    };
    const signingKeys = createSigningKeys({ ...signingKeysOptions(config, createKeyStore(db)), logger });
    const context = await createAuth(config, db, signingKeys, logger, shared).$context;
    try {
      if (command === "list") {
        const users = await context.internalAdapter.listUsers(undefined, undefined, undefined, [{ field: "role", operator: "ne", value: "user" }]);
        for (const user of users) process.stdout.write(`${user.email}  ${String((user as { role?: unknown }).role)}\n`);
        return 0;
      }
      const found = await context.internalAdapter.findUserByEmail(String(email));
      if (!found) {
        process.stderr.write(`No account has the email address ${String(email)}: sign up first, then run this again.\n`);
        return 1;
      }
      await context.internalAdapter.updateUser(found.user.id, { role });
      process.stdout.write(`${found.user.email} is now "${String(role)}". Their next token carries it; tokens minted before keep the old role until they expire.\n`);
      return 0;
    } finally {
      shared?.sessionCache.close();
      shared?.revocations.close();
    }
  } finally {
    await redis?.close();
    await db.close();
  }
}

runCommand(main);
