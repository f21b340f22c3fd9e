export {
  ApiClient,
  type ClientOptions,
  type ModerationActionInput,
  type ModerationActionKind,
  type ModerationPage,
  type ModerationRecord,
  type NewPost,
  type OwnProfile,
  type Post,
  type PostPage,
  type ProfileChanges,
  type PublicProfile,
  type Role,
  type Visibility,
} from "./client.js";
export {
  ApiError,
  AuthenticationError,
  AuthorizationError,
  errorFromResponse,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  ValidationError,
  type FieldError,
  type Problem,
} from "./errors.js";
export { TokenSource, type TokenSourceOptions } from "./tokens.js";
