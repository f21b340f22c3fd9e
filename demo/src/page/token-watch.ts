// Watches the tokens the client receives, so the page can show when the
// current one expires and how often it was renewed. It sees them by wrapping
// the fetch the client uses and reading each answer of GET /api/auth/token;
// it keeps only the times, never the token.

export interface TokenTimes {
  issuedAt: number;
  expiresAt: number;
  /** When the client renews it: `renewBeforeSeconds` before it expires. */
  renewAt: number;
  /** The token's `email_verified` claim. */
  emailVerified: boolean;
}

function claimTimes(token: string): { iat: number; exp: number; emailVerified: boolean } | undefined {
  try {
    const payload = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { iat?: unknown; exp?: unknown; email_verified?: unknown };
    return typeof payload.iat === "number" && typeof payload.exp === "number" ? { iat: payload.iat, exp: payload.exp, emailVerified: payload.email_verified === true } : undefined;
  } catch {
    return undefined;
  }
}

export class TokenWatch {
  private times: TokenTimes | undefined;
  private received = 0;
  private readonly tokenUrl: string;

  constructor(
    authUrl: string,
    private readonly renewBeforeSeconds: number,
  ) {
    this.tokenUrl = `${authUrl.replace(/\/+$/, "")}/api/auth/token`;
  }

  /** A fetch that reports every token the auth-service hands out. */
  observe(fetcher: typeof fetch): typeof fetch {
    return async (input, init) => {
      const response = await fetcher(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (response.ok && url === this.tokenUrl) {
        const body = (await response.clone().json()) as { token?: unknown };
        const times = typeof body.token === "string" ? claimTimes(body.token) : undefined;
        if (times) {
          this.received += 1;
          this.times = { issuedAt: times.iat * 1000, expiresAt: times.exp * 1000, renewAt: (times.exp - this.renewBeforeSeconds) * 1000, emailVerified: times.emailVerified };
        }
      }
      return response;
    };
  }

  get current(): TokenTimes | undefined {
    return this.times;
  }

  /** Tokens received after the first one. */
  get renewals(): number {
    return Math.max(0, this.received - 1);
  }
}
