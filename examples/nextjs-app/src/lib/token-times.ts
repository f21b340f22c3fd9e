// When a token was issued and expires, read from its payload (not verified:
// that is the resource-service's job). Only the times are kept, never the token.

export interface TokenTimes {
  issuedAt: number;
  expiresAt: number;
}

export function tokenTimes(token: string): TokenTimes | undefined {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { iat?: unknown; exp?: unknown };
    return typeof payload.iat === "number" && typeof payload.exp === "number" ? { issuedAt: payload.iat * 1000, expiresAt: payload.exp * 1000 } : undefined;
  } catch {
    return undefined;
  }
}
