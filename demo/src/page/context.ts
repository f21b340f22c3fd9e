// What every part of the page shares: the two API clients, the auth-service
// session, the token watch, and who is signed in. The signed-in client and its
// token watch are made anew for each session, so nothing of one session's
// tokens (not even a renewal still in flight) can serve the next.
import type { ApiClient } from "@authbridge/client";
import type { AuthSession, User } from "./auth.js";
import type { PageConfig } from "./config.js";
import type { TokenWatch } from "./token-watch.js";

export class SessionState {
  private current: User | null = null;
  private readonly listeners: Array<(user: User | null) => void> = [];

  get user(): User | null {
    return this.current;
  }

  set(user: User | null): void {
    this.current = user;
    for (const listener of this.listeners) listener(user);
  }

  subscribe(listener: (user: User | null) => void): void {
    this.listeners.push(listener);
  }
}

export interface Context {
  config: PageConfig;
  /** Calls as the signed-in user: it gets and renews tokens with the session cookie. New for each session. */
  readonly api: ApiClient;
  /** Calls as an anonymous visitor: it never asks for a token. */
  anonymous: ApiClient;
  auth: AuthSession;
  /** The tokens `api` received. New for each session. */
  readonly watch: TokenWatch;
  session: SessionState;
  /** Shows a message that concerns the whole page (the session ended, the server is unreachable). */
  notify(message: string | null): void;
  /** The session ended behind the page's back: sign out here too, and say so. */
  sessionLost(): void;
}
