// When a token was issued and expires, and whether it says the email address
// is verified, read from its payload (not verified: that is the
// resource-service's job). Only these facts are kept, never the token.

export interface TokenTimes {
  issuedAt: number;
  expiresAt: number;
  /** The `email_verified` claim. */
  emailVerified: boolean;
}

export function tokenTimes(token: string): TokenTimes | undefined {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { iat?: unknown; exp?: unknown; email_verified?: unknown };
    return typeof payload.iat === "number" && typeof payload.exp === "number"
      ? { issuedAt: payload.iat * 1000, expiresAt: payload.exp * 1000, emailVerified: payload.email_verified === true }
      : undefined;
  } catch {
    return undefined;
  }
}
