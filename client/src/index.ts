export { ApiClient, type ClientOptions, type NewPost, type OwnProfile, type Post, type PostPage, type ProfileChanges, type PublicProfile, type Visibility } from "./client.js";
export {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  EmailNotVerifiedError,
  errorFromResponse,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  ValidationError,
  type FieldError,
  type Problem,
} from "./errors.js";
export { TokenSource, type TokenSourceOptions } from "./tokens.js";
