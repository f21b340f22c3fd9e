export {
  AUTH_FAILURE_CODES,
  AuthError,
  InvalidRequestError,
  InsufficientScopeError,
  InvalidTokenError,
  KeysUnavailableError,
  TokenMissingError,
  type AuthErrorCode,
  type AuthFailureReason,
  type BearerErrorCode,
} from "./errors.js";
export { extractBearerToken, tokenSourceFromRawHeaders, type TokenSource } from "./extract.js";
export { authErrorResponse, type AuthErrorResponse, type AuthProblem } from "./response.js";
export { discoverJwksUri } from "./discovery.js";
export { JWKS_FETCH_RESULTS, KeySetFetchError, maxAge, type JwksFetchResult } from "./fetch-json.js";
export { createKeySet, type KeySet, type KeySetObserver, type KeySetOptions, type KeySetStats } from "./key-set.js";
export type { VerifierLogger } from "./logger.js";
export { claimsToPrincipal, type Principal } from "./principal.js";
export {
  ACCESS_TOKEN_TYPE,
  createVerifier,
  VerifierConfigError,
  type AuthenticateOptions,
  type Verifier,
  type VerifierObserver,
  type VerifierOptions,
} from "./verifier.js";
export { claimCheck, claimEquals, claimIncludes, requireRole, type ClaimRequirement, type ClaimValue } from "./claims.js";
