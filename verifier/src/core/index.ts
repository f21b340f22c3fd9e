export {
  AuthError,
  InvalidRequestError,
  InvalidTokenError,
  KeysUnavailableError,
  TokenMissingError,
  type AuthErrorCode,
  type AuthFailureReason,
} from "./errors.js";
export { extractBearerToken, type TokenSource } from "./extract.js";
export {
  createKeySet,
  discoverJwksUri,
  KeySetFetchError,
  maxAge,
  type JwksFetchResult,
  type KeySet,
  type KeySetObserver,
  type KeySetOptions,
  type KeySetStats,
  type VerifierLogger,
} from "./key-set.js";
export { claimsToPrincipal, type Principal } from "./principal.js";
export { ACCESS_TOKEN_TYPE, createVerifier, VerifierConfigError, type Verifier, type VerifierObserver, type VerifierOptions } from "./verifier.js";
