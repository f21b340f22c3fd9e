// What this service needs to trust tokens: who issues them and which audience
// they must name. Read once at start; anything missing or wrong stops the
// service with one sentence per problem.

export interface ExampleConfig {
  host: string;
  port: number;
  /** The tokens' `iss`: your Better Auth app's base URL (BETTER_AUTH_URL), e.g. https://app.example.com. */
  issuer: string;
  /** The audience(s) a token must name; one of them must be in its `aud`. */
  audience: string[];
  /** Where the public keys are, when the issuer serves no discovery document. */
  jwksUri: string | undefined;
  /** Accept tokens without a `typ` header: Better Auth's jwt plugin sets none (this project's auth-service sets at+jwt). */
  acceptUntypedTokens: boolean;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const isHttpUrl = (value: string) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const problems: string[] = [];
  const issuer = env.AUTH_ISSUER ?? "";
  if (!isHttpUrl(issuer)) problems.push("AUTH_ISSUER must be your Better Auth app's base URL (the tokens' iss), for example https://app.example.com.");
  const audience = (env.AUTH_AUDIENCE ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  if (audience.length === 0) problems.push("AUTH_AUDIENCE must name this service's audience, as the issuer puts it in the tokens' aud, for example https://api.example.com.");
  const jwksUri = env.AUTH_JWKS_URL || undefined;
  if (jwksUri !== undefined && !isHttpUrl(jwksUri)) problems.push("AUTH_JWKS_URL must be an http:// or https:// URL, for example https://app.example.com/api/auth/jwks.");
  const untyped = env.AUTH_ACCEPT_UNTYPED_TOKENS ?? "false";
  if (untyped !== "true" && untyped !== "false") problems.push(`AUTH_ACCEPT_UNTYPED_TOKENS must be "true" or "false", but it is "${untyped}".`);
  const port = Number(env.PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a whole number from 0 to 65535, but it is "${env.PORT}".`);
  if (problems.length > 0) throw new ConfigError(`The example service's configuration is invalid:\n- ${problems.join("\n- ")}`);
  return { host: env.HOST ?? "127.0.0.1", port, issuer, audience, jwksUri, acceptUntypedTokens: untyped === "true" };
}
