// Signing key operations for operators, on the auth-service's database:
//
//   npm run keys -w @authbridge/auth-service -- list
//   npm run keys -w @authbridge/auth-service -- rotate              (publishes now, signs after JWT_KEY_PUBLISH_AHEAD_SECONDS)
//   npm run keys -w @authbridge/auth-service -- rotate --immediate  (incident: signs at once)
//   npm run keys -w @authbridge/auth-service -- revoke <kid>        (out of the JWKS and out of service now)
//   npm run keys -w @authbridge/auth-service -- reencrypt           (after rotating BETTER_AUTH_SECRET: see docs/secret-rotation.md)
//
// It reads the same configuration as the service (DATABASE_URL, BETTER_AUTH_SECRET, ...).
// Other instances see the change within 30 s (their key cache); verifiers
// within their JWKS cache lifetime, at once for an unknown kid.
import { loadConfig } from "../config.js";
import { runCommand } from "./run.js";
import { createDatabase } from "../db.js";
import { createKeyStore } from "../keys/key-store.js";
import { keyOperator } from "../keys/operator.js";
import { signingKeysOptions } from "../keys/signing-keys.js";

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const config = loadConfig();
  const db = createDatabase(config.databaseUrl);
  const keys = keyOperator(signingKeysOptions(config, createKeyStore(db, 0)));
  try {
    switch (command) {
      case "list": {
        const secrets = new Map((await keys.secretsInUse()).map(({ kid, secret }) => [kid, secret]));
        for (const key of await keys.list()) {
          const secret = secrets.get(key.kid) ?? "none";
          process.stdout.write(
            `${key.kid}  ${key.alg}  created ${key.createdAt.toISOString()}  ${key.state}${key.expiresAt ? `  until ${key.expiresAt.toISOString()}` : ""}  secret: ${secret}\n`,
          );
        }
        return 0;
      }
      case "reencrypt": {
        const count = await keys.reencrypt();
        process.stdout.write(
          count === 0
            ? "Every key is already encrypted with the current BETTER_AUTH_SECRET.\n"
            : `Re-encrypted ${count} key${count === 1 ? "" : "s"} with the current BETTER_AUTH_SECRET; BETTER_AUTH_PREVIOUS_SECRETS can be removed once every instance runs with the new secret.\n`,
        );
        return 0;
      }
      case "rotate": {
        const kid = await keys.rotate({ immediate: args.includes("--immediate") });
        const state = (await keys.list()).find((key) => key.kid === kid)?.state ?? "created";
        process.stdout.write(`Created key ${kid}: ${state === "signing" ? "it signs now" : `published now, it signs in ${config.jwt.rotation.publishAheadMs / 1000} s`}.\n`);
        return 0;
      }
      case "revoke": {
        const kid = args[0];
        if (!kid) {
          process.stderr.write("Name the key to revoke: keys revoke <kid> (see keys list).\n");
          return 2;
        }
        await keys.revoke(kid);
        process.stdout.write(`Revoked key ${kid}: it is out of the JWKS and no longer signs.\n`);
        return 0;
      }
      default:
        process.stderr.write("Usage: keys list | keys rotate [--immediate] | keys revoke <kid> | keys reencrypt\n");
        return 2;
    }
  } finally {
    await db.close();
  }
}

runCommand(main);
