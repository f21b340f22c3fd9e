// Verifies access tokens (RFC 8725, the OWASP JWT cheat sheet) and turns them
// into principals. Checks, in order, each failing closed:
//   size limit -> strict compact JWS form -> header: alg allow-list (never
//   `none` or HMAC), no key-bringing parameters, a kid -> key from the issuer's
//   JWKS -> signature -> exact iss and aud, required exp/iat/sub, exp and nbf
//   with clock tolerance, iat not in the future, optional maximum age ->
//   principal (sub a non-empty string) -> optional revocation check.
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { AuthError, InvalidTokenError } from "./errors.js";
import { createKeySet, type KeySet, type KeySetOptions, type VerifierLogger } from "./key-set.js";
import { claimsToPrincipal, type Principal } from "./principal.js";
import { TokenCache } from "./token-cache.js";

/** Algorithms that are never accepted, whatever the configuration says. */
const FORBIDDEN_ALGORITHMS = /^(none|HS\d+)$/i;
/** Header parameters that let a token name its own key (RFC 8725 section 3.10). */
const KEY_BRINGING_HEADERS = ["jwk", "jku", "x5u", "x5c"] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

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
  keys?: Omit<KeySetOptions, "issuer" | "jwksUri" | "algorithms" | "logger" | "now">;
  /** A key set to use instead of one built from the options (tests, several verifiers sharing keys). */
  keySet?: KeySet;
  logger?: VerifierLogger;
  now?: () => number;
}

export interface Verifier {
  /** Verifies a token; resolves with its principal or rejects with an AuthError. */
  verify(token: string): Promise<Principal>;
  /**
   * The synchronous fast path: the principal of a token verified before (every
   * time-based and revocation check is made again), undefined when the token
   * must go through `verify`. Throws an AuthError for a token it can refuse at once.
   */
  verifyCached(token: string): Principal | undefined;
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
  return algorithms;
}

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

  function verifyCached(token: string): Principal | undefined {
    if (token.length > maxLength) throw invalid("too_large", `The token is longer than ${maxLength} characters.`);
    if (!COMPACT_JWS.test(token)) throw invalid("malformed", "The token is not a compact JWS (three base64url parts, no padding).");
    const principal = cache.get(token, now(), (kid) => keySet.has(kid));
    if (!principal) return undefined;
    const iat = principal.claims.iat ?? 0;
    if (options.maxTokenAgeSeconds !== undefined && now() / 1000 - iat > options.maxTokenAgeSeconds + tolerance) {
      throw invalid("too_old", "The token is older than this API accepts.");
    }
    return admit(principal);
  }

  return {
    keySet,
    verifyCached,
    async verify(token) {
      const cached = verifyCached(token);
      if (cached) return cached;
      const verified = await verifyUncached(token);
      cache.set(token, verified.principal, verified.kid, (verified.exp + tolerance) * 1000);
      return admit(verified.principal);
    },
  };
}
