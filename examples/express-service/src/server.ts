// Entry point: trust the issuer's tokens, listen, stop cleanly on SIGTERM.
//
//   AUTH_ISSUER=http://localhost:4000 AUTH_AUDIENCE=http://localhost:4010 npm start -w @authbridge/example-express-service
//
// (Tokens of a Better Auth app's own jwt plugin have no typ header: add
// AUTH_JWKS_URL and AUTH_ACCEPT_UNTYPED_TOKENS=true for those.)
import { createVerifier } from "@authbridge/verifier";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type ExampleConfig } from "./config.js";

function configOrExit(): ExampleConfig {
  try {
    return loadConfig();
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
const verifier = createVerifier({
  issuer: config.issuer,
  audience: config.audience,
  // Without it, the keys are found through {issuer}/.well-known/openid-configuration.
  ...(config.jwksUri ? { jwksUri: config.jwksUri } : {}),
  acceptUntypedTokens: config.acceptUntypedTokens,
});
const server = createApp(verifier).listen(config.port, config.host, () => {
  process.stdout.write(`example-service listening on http://${config.host}:${config.port}, trusting tokens from ${config.issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
