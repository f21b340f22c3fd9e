// Finds the bearer token of a request. Only the Authorization header carries
// tokens: a token in a query string ends up in logs, proxies and browser
// history (RFC 6750 section 5.3), so one there is refused, not used.
import { InvalidRequestError, TokenMissingError } from "./errors.js";

export interface TokenSource {
  /** Every Authorization header value the request carried (raw, in order). */
  authorization: readonly string[];
  /** Whether the query string has an `access_token` parameter. */
  queryToken?: boolean;
}

// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Returns the token, or throws TokenMissingError / InvalidRequestError. */
export function extractBearerToken(source: TokenSource): string {
  if (source.queryToken) {
    throw new InvalidRequestError("token_in_query", "Send the access token in the Authorization header, never in the query string.");
  }
  if (source.authorization.length === 0) throw new TokenMissingError();
  if (source.authorization.length > 1) {
    throw new InvalidRequestError("multiple_headers", "The request carries more than one Authorization header.");
  }
  const value = source.authorization[0] ?? "";
  if (!/^bearer(\s|$)/i.test(value)) {
    // Another scheme (Basic, ...): for this API there are no credentials.
    throw new TokenMissingError("This request needs a bearer token (Authorization: Bearer <token>).");
  }
  const match = BEARER.exec(value);
  if (!match?.[1]) {
    throw new InvalidRequestError("malformed_header", "The Authorization header must be exactly `Bearer <token>`.");
  }
  return match[1];
}

/**
 * The token sources of a request as Node's http module gives it (Express's,
 * Fastify's `request.raw`, Koa's `ctx.req`): `rawHeaders` keeps every
 * Authorization header apart, where `headers` would join or drop repeats;
 * `url` is the request target, whose query is looked at for `access_token`.
 */
export function tokenSourceFromRawHeaders(rawHeaders: readonly string[], url: string): TokenSource {
  const authorization: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === "authorization") authorization.push(rawHeaders[index + 1] ?? "");
  }
  const query = url.indexOf("?");
  const queryToken = query >= 0 && new URLSearchParams(url.slice(query + 1)).has("access_token");
  return { authorization, queryToken };
}
