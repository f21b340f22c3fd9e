// Verifies access tokens (RFC 8725, the OWASP JWT cheat sheet) and turns them
// into principals; `authenticate` goes from a request's token sources to its
// caller. Checks, in order, each failing closed:
//   exactly one `Authorization: Bearer` header, no query token (extract.ts) ->
//   size limit -> strict compact JWS form -> header: alg allow-list (never
//   `none` or HMAC), no key-bringing parameters, a kid, the access token type
//   (`typ: at+jwt`) -> key from the issuer's
//   JWKS -> signature -> exact iss and aud, required exp/iat/sub, exp and nbf
//   with clock tolerance, iat not in the future, optional maximum age ->
//   principal (sub a non-empty string) -> optional revocation check.
// Observers hear each decision (accepted from the cache or after a signature
// check, refused and why, cache hits and misses) through plain method calls:
// no allocation on the fast path, and no metrics library in the core.
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { AuthError, InvalidTokenError, TokenMissingError } from "./errors.js";
import { extractBearerToken, type TokenSource } from "./extract.js";
import { createKeySet, type KeySet, type KeySetObserver, type KeySetOptions } from "./key-set.js";
import type { VerifierLogger } from "./logger.js";
import { notifier } from "./notify.js";
import { claimsToPrincipal, type Principal } from "./principal.js";
import { TokenCache } from "./token-cache.js";

/** Algorithms that are never accepted, whatever the configuration says. */
const FORBIDDEN_ALGORITHMS = /^(none|HS\d+)$/i;
/** Header parameters that let a token name its own key (RFC 8725 section 3.10). */
const KEY_BRINGING_HEADERS = ["jwk", "jku", "x5u", "x5c"] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A media type without parameters, "application/" optional (RFC 6838 section 4.2 names). */
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*(\/[a-z0-9][a-z0-9!#$&^_.+-]*)?$/i;
/** RFC 9068 section 2.1: the type of a JWT access token. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/**
 * A `typ` value as the media type it names: RFC 7515 section 4.1.9 lets the
 * "application/" prefix be left out, and media types compare without case
 * (RFC 2045 section 5.1), so "at+jwt" and "Application/AT+JWT" are one type.
 */
function mediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.includes("/") ? lower : `application/${lower}`;
}

/**
 * Hears what a verifier decides, for metrics. Called synchronously on the
 * request path: every method is optional, must return quickly and must not
 * throw. Nothing it receives carries the token or who the caller is.
 *
 * @example
 * verifier.observe({
 *   tokenAccepted: (cached) => (cached ? hits++ : verified++),
 *   tokenRefused: (error) => refusals.inc({ code: error.code, reason: error.reason }),
 * });
 */
export interface VerifierObserver extends KeySetObserver {
  /** A token was accepted. `cached`: a remembered verdict answered, no signature was checked. */
  tokenAccepted?(cached: boolean): void;
  /**
   * A request or a token was refused; the error's `code` and `reason` say why.
   * Through `authenticate`, refusals of the request itself (no token, a
   * malformed header, a token in the query) are heard too.
   */
  tokenRefused?(error: AuthError): void;
  /**
   * The verified-token cache was asked about a well-formed token, once per
   * decision: a hit answers from memory, a miss goes on to the signature check.
   */
  tokenCacheLookup?(hit: boolean): void;
}

export interface VerifierOptions {
  /** The exact `iss` to accept; also where keys are discovered. */
  issuer: string;
  /** The `aud` (one of them) the token must name. */
  audience: string | readonly string[];
  /** Accepted algorithms. Default ["EdDSA"]; `none` and HMAC are always refused. */
  algorithms?: readonly string[];
  /** Leeway for exp, nbf and iat, in seconds. Default 5. */
  clockToleranceSeconds?: number;
  /** Refuse tokens whose iat is older than this, in seconds. Default: no limit beyond exp. */
  maxTokenAgeSeconds?: number;
  /**
   * The token type (the `typ` header) to accept, compared as a media type:
   * without case, "application/" optional (RFC 8725 section 3.11). Default
   * "at+jwt" (RFC 9068), what the auth-service sets on its access tokens, so
   * no other JWT its keys sign (an ID token, a logout token) passes as one.
   */
  tokenType?: string;
  /**
   * Also accept tokens that have no `typ` at all (a token typed as anything
   * else is still refused). Default false. For a rolling upgrade from an
   * issuer that did not type its tokens yet, for at most one token lifetime,
   * or for an issuer that never types them (Better Auth's jwt plugin alone).
   */
  acceptUntypedTokens?: boolean;
  /** Refuse tokens longer than this many characters. Default 4096. */
  maxTokenLength?: number;
  /** How many verified tokens to remember (0 disables). Default 10,000. */
  cacheSize?: number;
  /**
   * Called after every other check; return true to refuse a token whose
   * session was revoked. Synchronous on purpose: it runs on every request, so
   * it must answer from memory (fed, for example, by revocation events).
   */
  isRevoked?: (principal: Principal) => boolean;
  /** The JWKS URL, when it should not be discovered from the issuer. */
  jwksUri?: string;
  /** Options of the key cache (cooldown, timeouts, stale-if-error). */
  keys?: Omit<KeySetOptions, "issuer" | "jwksUri" | "algorithms" | "logger" | "observer" | "now">;
  /** A key set to use instead of one built from the options (tests, several verifiers sharing keys). */
  keySet?: KeySet;
  logger?: VerifierLogger;
  /** Hears every decision and JWKS fetch; more can be added with `observe`. */
  observer?: VerifierObserver;
  now?: () => number;
}

export interface AuthenticateOptions {
  /**
   * No credentials at all (no Authorization header, or another scheme such as
   * Basic) make an anonymous caller, undefined, instead of a TokenMissingError.
   * A token that is present but refused is still refused: a client that
   * believes it is signed in must learn that its token is bad, not silently
   * see less. Default false.
   */
  optional?: boolean;
}

export interface Verifier {
  /**
   * From a request to its caller: finds the bearer token (extract.ts),
   * verifies it, and tells the observers, refusals of the request itself
   * (no token, a malformed header, a token in the query) included.
   *
   * A token verified before is answered synchronously, with the principal
   * itself (every time-based and revocation check is made again): no
   * promise, no I/O. Otherwise the answer is a promise. A refusal that needs
   * no I/O is thrown at once, any other rejects the promise; either way an
   * AuthError. `await` takes both shapes alike.
   *
   * @example
   * // An adapter for any framework (see the Express one in ../express):
   * const result = verifier.authenticate({ authorization: rawAuthorizationHeaders, queryToken });
   * const principal = result instanceof Promise ? await result : result;
   */
  authenticate(source: TokenSource, options?: AuthenticateOptions & { optional?: false }): Principal | Promise<Principal>;
  authenticate(source: TokenSource, options: AuthenticateOptions): Principal | undefined | Promise<Principal | undefined>;
  /**
   * Verifies a token got some other way than from a request's Authorization
   * header; resolves with its principal or rejects with an AuthError.
   */
  verify(token: string): Promise<Principal>;
  /** Adds an observer of decisions and of the key set's fetches; returns the function that removes it. */
  observe(observer: VerifierObserver): () => void;
  readonly keySet: KeySet;
}

export class VerifierConfigError extends Error {
  override name = "VerifierConfigError";
}

function checkOptions(options: VerifierOptions): readonly string[] {
  const algorithms = options.algorithms ?? ["EdDSA"];
  if (algorithms.length === 0) throw new VerifierConfigError("At least one algorithm must be allowed.");
  const forbidden = algorithms.filter((alg) => FORBIDDEN_ALGORITHMS.test(alg));
  if (forbidden.length > 0) {
    throw new VerifierConfigError(
      `The algorithms ${forbidden.join(", ")} cannot be allowed: "none" is unsigned, and with HMAC anyone who can verify a token can forge one.`,
    );
  }
  if (!URL.canParse(options.issuer)) throw new VerifierConfigError(`The issuer must be a URL, but it is "${options.issuer}".`);
  const audiences = typeof options.audience === "string" ? [options.audience] : options.audience;
  if (audiences.length === 0 || audiences.some((aud) => !aud)) throw new VerifierConfigError("At least one non-empty audience must be given.");
  const tokenType = options.tokenType ?? ACCESS_TOKEN_TYPE;
  if (!MEDIA_TYPE.test(tokenType)) {
    throw new VerifierConfigError(`The token type must be a media type such as "at+jwt" or "application/at+jwt", but it is "${tokenType}".`);
  }
  return algorithms;
}

// The observers' calls on the request path, made once: nothing is allocated per request.
const cacheHit = (observer: VerifierObserver) => observer.tokenCacheLookup?.(true);
const cacheMiss = (observer: VerifierObserver) => observer.tokenCacheLookup?.(false);
const acceptedFromCache = (observer: VerifierObserver) => observer.tokenAccepted?.(true);
const acceptedVerified = (observer: VerifierObserver) => observer.tokenAccepted?.(false);

function invalid(reason: ConstructorParameters<typeof InvalidTokenError>[0], description: string): InvalidTokenError {
  return new InvalidTokenError(reason, description);
}

/** Maps jose's failures to our errors; anything unexpected stays invalid. */
function fromJose(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return error.claim === "iat" ? invalid("too_old", "The token is older than this API accepts.") : invalid("expired", "The token has expired.");
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "iss":
        return invalid("wrong_issuer", "The token was not issued by the expected issuer.");
      case "aud":
        return invalid("wrong_audience", "The token is not meant for this API.");
      case "nbf":
        return invalid("not_yet_valid", "The token is not valid yet.");
      default:
        return error.reason === "missing"
          ? invalid("missing_claim", `The token lacks the required "${error.claim}" claim.`)
          : invalid("invalid_claim", `The token's "${error.claim}" claim is invalid.`);
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalid("alg_not_allowed", "The token's algorithm is not accepted.");
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalid("bad_signature", "The token's signature is invalid.");
  return invalid("malformed", "The token is malformed.");
}

/**
 * Creates a verifier for the tokens of one issuer and audience.
 *
 * @example
 * const verifier = createVerifier({ issuer: "https://auth.example.com", audience: "https://api.example.com" });
 * const principal = await verifier.verify(token); // or throws an AuthError
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const algorithms = checkOptions(options);
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 5;
  const maxLength = options.maxTokenLength ?? 4096;
  const audience = typeof options.audience === "string" ? options.audience : [...options.audience];
  const tokenType = mediaType(options.tokenType ?? ACCESS_TOKEN_TYPE);
  const wrongType = `The token is not an access token: its type (typ) must be "${options.tokenType ?? ACCESS_TOKEN_TYPE}".`;
  const keySet =
    options.keySet ??
    createKeySet({
      ...options.keys,
      issuer: options.issuer,
      jwksUri: options.jwksUri,
      algorithms,
      ...(options.logger ? { logger: options.logger } : {}),
      now,
    });
  const cache = new TokenCache(options.cacheSize ?? 10_000);
  const observers: VerifierObserver[] = [];
  const notify = notifier(observers, () => options.logger);
  const keyIsPublished = (kid: string) => keySet.has(kid);

  function refused(error: unknown): void {
    if (!(error instanceof AuthError)) return;
    notify((observer) => observer.tokenRefused?.(error));
  }

  function observe(observer: VerifierObserver): () => void {
    observers.push(observer);
    const stopKeySet = keySet.observe(observer);
    return () => {
      const index = observers.indexOf(observer);
      if (index >= 0) observers.splice(index, 1);
      stopKeySet();
    };
  }
  if (options.observer) observe(options.observer);

  async function verifyUncached(token: string): Promise<{ principal: Principal; kid: string; exp: number }> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid("malformed", "The token is malformed.");
    }
    const alg = header.alg;
    if (typeof alg !== "string" || FORBIDDEN_ALGORITHMS.test(alg) || !algorithms.includes(alg)) {
      throw invalid("alg_not_allowed", "The token's algorithm is not accepted.");
    }
    if (KEY_BRINGING_HEADERS.some((name) => name in header)) {
      throw invalid("embedded_key", "The token names its own key (jwk, jku, x5u or x5c), which is never trusted.");
    }
    const kid = header.kid;
    if (typeof kid !== "string" || kid === "") throw invalid("missing_kid", "The token's header has no key id (kid).");
    // RFC 8725 section 3.11: without it, any other JWT these keys sign for this
    // issuer and audience would pass as an access token.
    const typ = header.typ;
    const typeAccepted = typ === undefined ? options.acceptUntypedTokens === true : typeof typ === "string" && mediaType(typ) === tokenType;
    if (!typeAccepted) throw invalid("wrong_type", wrongType);

    const key = await keySet.getKey(kid, alg);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        issuer: options.issuer,
        audience,
        clockTolerance: tolerance,
        requiredClaims: ["exp", "iat", "sub"],
        currentDate: new Date(now()),
        ...(options.maxTokenAgeSeconds !== undefined ? { maxTokenAge: options.maxTokenAgeSeconds } : {}),
      }));
    } catch (error: unknown) {
      throw fromJose(error);
    }
    const nowSeconds = now() / 1000;
    if (typeof payload.iat !== "number" || payload.iat > nowSeconds + tolerance) {
      throw invalid("issued_in_future", "The token's issue time (iat) is in the future.");
    }
    return { principal: claimsToPrincipal(payload), kid, exp: payload.exp as number };
  }

  function admit(principal: Principal): Principal {
    if (options.isRevoked?.(principal)) throw invalid("revoked", "The token's session has ended.");
    return principal;
  }

  function checkFormat(token: string): void {
    if (token.length > maxLength) throw invalid("too_large", `The token is longer than ${maxLength} characters.`);
    if (!COMPACT_JWS.test(token)) throw invalid("malformed", "The token is not a compact JWS (three base64url parts, no padding).");
  }

  /** Every time-based and revocation check, made again on a remembered verdict. */
  function admitCached(principal: Principal): Principal {
    const iat = principal.claims.iat ?? 0;
    if (options.maxTokenAgeSeconds !== undefined && now() / 1000 - iat > options.maxTokenAgeSeconds + tolerance) {
      throw invalid("too_old", "The token is older than this API accepts.");
    }
    return admit(principal);
  }

  /** The fast path: a remembered verdict, or undefined when the token must be checked in full. Throws for a token refused at once. */
  function remembered(token: string): Principal | undefined {
    let principal: Principal | undefined;
    try {
      checkFormat(token);
      principal = cache.get(token, now(), keyIsPublished);
      // A miss is reported by verifyInFull, which always follows it.
      if (!principal) return undefined;
      notify(cacheHit);
      admitCached(principal);
    } catch (error: unknown) {
      refused(error);
      throw error;
    }
    notify(acceptedFromCache);
    return principal;
  }

  async function verifyInFull(token: string): Promise<Principal> {
    notify(cacheMiss);
    let principal: Principal;
    try {
      const verified = await verifyUncached(token);
      cache.set(token, verified.principal, verified.kid, (verified.exp + tolerance) * 1000);
      principal = admit(verified.principal);
    } catch (error: unknown) {
      refused(error);
      throw error;
    }
    notify(acceptedVerified);
    return principal;
  }

  async function verify(token: string): Promise<Principal> {
    return remembered(token) ?? verifyInFull(token);
  }

  function authenticate(source: TokenSource, options?: AuthenticateOptions & { optional?: false }): Principal | Promise<Principal>;
  function authenticate(source: TokenSource, options: AuthenticateOptions): Principal | undefined | Promise<Principal | undefined>;
  function authenticate(source: TokenSource, options?: AuthenticateOptions): Principal | undefined | Promise<Principal> {
    // The usual anonymous request to an optional route, answered without building (and
    // catching) a TokenMissingError: an error's stack trace costs more than the rest of this.
    if (options?.optional === true && source.authorization.length === 0 && source.queryToken !== true) return undefined;
    let token: string;
    try {
      token = extractBearerToken(source);
    } catch (error: unknown) {
      // An anonymous request to an optional route is not a decision: observers hear nothing.
      if (options?.optional === true && error instanceof TokenMissingError) return undefined;
      refused(error);
      throw error;
    }
    return remembered(token) ?? verifyInFull(token);
  }

  return { keySet, authenticate, verify, observe };
}
