// Finding the JWKS from the issuer alone, through its discovery document
// ({issuer}/.well-known/openid-configuration, RFC 8414 / OpenID Connect
// Discovery 1.0).
import { fetchJson, KeySetFetchError } from "./fetch-json.js";

/**
 * Reads the issuer's discovery document and returns its jwks_uri. The
 * document must name the same issuer (OpenID Connect Discovery 1.0 section
 * 4.3: "The issuer value returned MUST be identical to the Issuer URL that
 * was used as the prefix to /.well-known/openid-configuration"), and the
 * jwks_uri must be an http(s) URL. Throws KeySetFetchError.
 *
 * @example
 * const jwksUri = await discoverJwksUri({ issuer: "https://auth.example.com" });
 */
export async function discoverJwksUri(options: { issuer: string; fetch?: typeof fetch; timeoutMs?: number }): Promise<string> {
  const issuer = options.issuer.replace(/\/+$/, "");
  const fetched = await fetchJson(options.fetch ?? fetch, `${issuer}/.well-known/openid-configuration`, options.timeoutMs ?? 5_000);
  const document = (fetched.notModified ? undefined : fetched.body) as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (document?.issuer !== options.issuer && document?.issuer !== issuer) {
    throw new KeySetFetchError(`the discovery document names the issuer ${JSON.stringify(document?.issuer)}, not ${options.issuer}`);
  }
  const uri = document?.jwks_uri;
  if (typeof uri !== "string" || !URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
    throw new KeySetFetchError("the discovery document has no usable jwks_uri");
  }
  return uri;
}
