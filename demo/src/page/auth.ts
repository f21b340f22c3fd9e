// Better Auth's email-and-password endpoints at the auth-service, called from
// the browser with the session cookie (credentials: "include"). The client
// library covers the API and tokens; signing in and out is Better Auth's.
// Failures come back as the client's typed errors, read from problem+json.
import { errorFromResponse } from "@authbridge/client";

export interface User {
  id: string;
  name: string;
  email: string;
}

export class AuthSession {
  private readonly base: string;
  constructor(
    authUrl: string,
    private readonly fetcher: typeof fetch,
  ) {
    this.base = `${authUrl.replace(/\/+$/, "")}/api/auth`;
  }

  /**
   * Creates an account. It does not sign in: the auth-service answers an
   * existing address exactly like a new one. The verification mail's link
   * leads back to `callbackURL`, signed in.
   */
  async signUp(input: { name: string; email: string; password: string; callbackURL: string }): Promise<void> {
    await this.post("/sign-up/email", input);
  }

  /** Mails a new verification link to an unverified address; answered the same for any address. */
  async resendVerification(input: { email: string; callbackURL: string }): Promise<void> {
    await this.post("/send-verification-email", input);
  }

  /** Asks for a reset link; answered the same whether or not the address has an account. Its link leads to `redirectTo?token=...`. */
  async requestPasswordReset(input: { email: string; redirectTo: string }): Promise<void> {
    await this.post("/request-password-reset", input);
  }

  /** Sets a new password with the token of a reset link; every session of the account ends. */
  async resetPassword(input: { token: string; newPassword: string }): Promise<void> {
    await this.post("/reset-password", input);
  }

  async signIn(input: { email: string; password: string }): Promise<User> {
    const body = (await this.post("/sign-in/email", input)) as { user: User };
    return body.user;
  }

  async signOut(): Promise<void> {
    await this.post("/sign-out", {});
  }

  /** The signed-in user, or null without a session. */
  async current(): Promise<User | null> {
    const response = await this.fetcher(`${this.base}/get-session`, { credentials: "include", headers: { accept: "application/json" } });
    if (!response.ok) throw await errorFromResponse(response);
    const body = (await response.json()) as { user?: User } | null;
    return body?.user ?? null;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await this.fetcher(`${this.base}${path}`, {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw await errorFromResponse(response);
    return response.json();
  }
}
