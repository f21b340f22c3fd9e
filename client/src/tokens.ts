// Access tokens from the auth-service: fetched with the session cookie from
// GET /api/auth/token (or `set-auth-jwt`), kept until shortly before they
// expire, and renewed by one request however many calls need a token at once.
// Tokens are never logged, and only read (not verified: that is the API's
// job) to learn when they expire.
import { errorFromResponse } from "./errors.js";

export interface TokenSourceOptions {
  /** The auth-service's base URL, e.g. https://auth.example.com. */
  authUrl: string;
  fetch: typeof fetch;
  /** Renew this many seconds before `exp`. Default 30. */
  renewBeforeSeconds?: number;
  /** Extra headers for the token request (Node: the session cookie; browsers send it themselves). */
  authHeaders?: () => Record<string, string> | Promise<Record<string, string>>;
  now?: () => number;
}

interface Held {
  token: string;
  /** Milliseconds since the epoch after which the token must be renewed. */
  renewAt: number;
}

function expiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { exp?: unknown };
    return typeof payload.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class TokenSource {
  private held: Held | undefined;
  private renewing: Promise<string> | undefined;
  private readonly now: () => number;
  constructor(private readonly options: TokenSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A token valid for a while yet; renews it (one request for all callers) when needed. */
  async get(): Promise<string> {
    if (this.held && this.now() < this.held.renewAt) return this.held.token;
    this.renewing ??= this.fetchToken().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  /** Forgets the token (the API refused it): the next get() fetches a new one. */
  invalidate(token?: string): void {
    if (!token || this.held?.token === token) this.held = undefined;
  }

  /** Accepts a token the auth-service sent in a `set-auth-jwt` header. */
  offer(token: string): void {
    this.hold(token);
  }

  private hold(token: string): string {
    const exp = expiry(token) ?? this.now() + 60_000;
    this.held = { token, renewAt: exp - (this.options.renewBeforeSeconds ?? 30) * 1000 };
    return token;
  }

  private async fetchToken(): Promise<string> {
    const response = await this.options.fetch(`${this.options.authUrl.replace(/\/+$/, "")}/api/auth/token`, {
      method: "GET",
      credentials: "include",
      headers: { accept: "application/json", ...(await this.options.authHeaders?.()) },
    });
    if (!response.ok) {
      this.held = undefined;
      throw await errorFromResponse(response);
    }
    const body = (await response.json()) as { token?: unknown };
    if (typeof body.token !== "string") throw new Error("The auth-service answered without a token.");
    return this.hold(body.token);
  }
}
