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
export { discoverJwksUri } from "./discovery.js";
export { KeySetFetchError, maxAge, type JwksFetchResult } from "./fetch-json.js";
export { createKeySet, type KeySet, type KeySetObserver, type KeySetOptions, type KeySetStats } from "./key-set.js";
export type { VerifierLogger } from "./logger.js";
export { claimsToPrincipal, type Principal } from "./principal.js";
export { ACCESS_TOKEN_TYPE, createVerifier, VerifierConfigError, type Verifier, type VerifierObserver, type VerifierOptions } from "./verifier.js";
