// The typed client of the resource-service.
//
// Each call attaches `Authorization: Bearer <token>` (from the TokenSource).
// On a 401 whose WWW-Authenticate says error="invalid_token" (expired,
// revoked key, ...), it renews the token once and retries once; it never
// loops. Errors come back as typed errors (errors.ts).
import { AuthenticationError, errorFromResponse } from "./errors.js";
import { TokenSource, type TokenSourceOptions } from "./tokens.js";

export interface ClientOptions {
  /** The resource-service's base URL, e.g. https://api.example.com. */
  apiUrl: string;
  /** The auth-service's base URL, where tokens come from. */
  authUrl: string;
  /** A fetch implementation (tests, polyfills); the global fetch by default. */
  fetch?: typeof fetch;
  renewBeforeSeconds?: number;
  /** Extra headers for token requests (in Node, the session cookie). */
  authHeaders?: TokenSourceOptions["authHeaders"];
  /**
   * false: an anonymous client that never asks for a token (public pages,
   * server-side rendering); calls that need one fail with AuthenticationError.
   */
  session?: boolean;
}

export type Visibility = "public" | "private";

export interface Post {
  id: string;
  authorId: string;
  title: string;
  body: string;
  visibility: Visibility;
  createdAt: string;
  updatedAt: string;
  /** When a moderator hid the post, and why; null unless hidden (only its author and moderators see a hidden post). */
  hiddenAt: string | null;
  hiddenReason: string | null;
}

export interface PostPage {
  items: Post[];
  nextCursor: string | null;
}

export interface PublicProfile {
  id: string;
  name: string;
  handle: string | null;
  displayName: string | null;
  bio: string | null;
  createdAt: string;
}

export interface OwnProfile extends PublicProfile {
  email: string;
  updatedAt: string;
}

export interface ProfileChanges {
  handle?: string | null;
  displayName?: string | null;
  bio?: string | null;
}

export interface NewPost {
  title: string;
  body: string;
  visibility?: Visibility;
}

/** A role the auth-service issues (the token's `role` claim). */
export type Role = "user" | "moderator" | "admin";

export type ModerationActionKind = "hide" | "unhide" | "delete";

export interface ModerationActionInput {
  action: ModerationActionKind;
  postId: string;
  /** Why: recorded, and shown to the author of a hidden post (1 to 500 characters). */
  reason: string;
}

/** One moderation action: who did what to which post, when and why. */
export interface ModerationRecord extends ModerationActionInput {
  id: string;
  postAuthorId: string;
  moderatorId: string;
  moderatorRole: string;
  createdAt: string;
}

export interface ModerationPage {
  items: ModerationRecord[];
  nextCursor: string | null;
}

type Auth = "required" | "optional";

function search(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  return params.toString() ? `?${params.toString()}` : "";
}

/** One claim of a token's payload, read without verifying it (the API verifies). */
function claim(token: string, name: string): unknown {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
    return payload[name];
  } catch {
    return undefined;
  }
}

export class ApiClient {
  readonly tokens: TokenSource;
  private readonly fetcher: typeof fetch;
  private readonly apiUrl: string;
  private readonly anonymous: boolean;

  constructor(options: ClientOptions) {
    this.anonymous = options.session === false;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.apiUrl = options.apiUrl.replace(/\/+$/, "");
    this.tokens = new TokenSource({
      authUrl: options.authUrl,
      fetch: this.fetcher,
      ...(options.renewBeforeSeconds !== undefined ? { renewBeforeSeconds: options.renewBeforeSeconds } : {}),
      ...(options.authHeaders ? { authHeaders: options.authHeaders } : {}),
    });
  }

  readonly users = {
    me: () => this.request<OwnProfile>("GET", "/api/v1/users/me", "required"),
    update: (changes: ProfileChanges) => this.request<OwnProfile>("PATCH", "/api/v1/users/me", "required", changes),
    replace: (profile: Required<ProfileChanges>) => this.request<OwnProfile>("PUT", "/api/v1/users/me", "required", profile),
    get: (id: string) => this.request<PublicProfile>("GET", `/api/v1/users/${encodeURIComponent(id)}`, "optional"),
  };

  readonly posts = {
    create: (post: NewPost) => this.request<Post>("POST", "/api/v1/posts", "required", post),
    list: (query: { author?: string; limit?: number; cursor?: string } = {}) => this.request<PostPage>("GET", `/api/v1/posts${search(query)}`, "optional"),
    get: (id: string) => this.request<Post>("GET", `/api/v1/posts/${encodeURIComponent(id)}`, "optional"),
    update: (id: string, changes: Partial<NewPost>) => this.request<Post>("PATCH", `/api/v1/posts/${encodeURIComponent(id)}`, "required", changes),
    replace: (id: string, post: Required<NewPost>) => this.request<Post>("PUT", `/api/v1/posts/${encodeURIComponent(id)}`, "required", post),
    delete: (id: string) => this.request<void>("DELETE", `/api/v1/posts/${encodeURIComponent(id)}`, "required"),
  };

  /**
   * Moderators and admins only: anyone else gets an AuthorizationError whose
   * `insufficientScope` is true (403 insufficient_scope).
   */
  readonly moderation = {
    /** Hides, unhides or deletes any post, and records it. */
    act: (input: ModerationActionInput) => this.request<ModerationRecord>("POST", "/api/v1/moderation/actions", "required", input),
    /** The records, newest first. */
    list: (query: { postId?: string; limit?: number; cursor?: string } = {}) => this.request<ModerationPage>("GET", `/api/v1/moderation/actions${search(query)}`, "required"),
  };

  /**
   * The role the current token carries (undefined without a session). It is
   * the token's: a role changed since shows with the next token.
   */
  async role(): Promise<Role | undefined> {
    if (this.anonymous) return undefined;
    try {
      const role = claim(await this.tokens.get(), "role");
      return role === "user" || role === "moderator" || role === "admin" ? role : undefined;
    } catch (error: unknown) {
      if (error instanceof AuthenticationError) return undefined;
      throw error;
    }
  }

  /** A token for an optional-auth call: none when there is no session (anonymous). */
  private async tokenFor(auth: Auth): Promise<string | undefined> {
    if (this.anonymous) {
      if (auth === "optional") return undefined;
      throw new AuthenticationError({ status: 401, code: "token_missing", detail: "This client is anonymous (session: false); this call needs a signed-in user." });
    }
    if (auth === "required") return this.tokens.get();
    try {
      return await this.tokens.get();
    } catch (error: unknown) {
      if (error instanceof AuthenticationError) return undefined;
      throw error;
    }
  }

  private async send(method: string, path: string, token: string | undefined, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return this.fetcher(`${this.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  }

  private async request<T>(method: string, path: string, auth: Auth, body?: unknown): Promise<T> {
    let token = await this.tokenFor(auth);
    let response = await this.send(method, path, token, body);
    if (token && response.status === 401 && /error="invalid_token"/.test(response.headers.get("www-authenticate") ?? "")) {
      // Renew once and retry once: a token can expire or lose its key between
      // the check here and the API's; a second refusal is final.
      await response.body?.cancel();
      this.tokens.invalidate(token);
      token = await this.tokenFor(auth);
      response = await this.send(method, path, token, body);
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
