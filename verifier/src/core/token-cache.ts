// Verdicts of tokens already verified, so a client that sends the same token
// on every request pays for signature verification once. Keyed by the whole
// token string (the exact bytes that were verified), bounded in size (oldest
// out first), and never used past the token's `exp` or after its signing key
// has left the issuer's JWKS.
import type { Principal } from "./principal.js";

interface Entry {
  principal: Principal;
  kid: string;
  /** Milliseconds since the epoch after which the verdict must not be reused. */
  until: number;
}

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly maxEntries: number) {}

  get(token: string, now: number, keyIsPublished: (kid: string) => boolean): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now >= entry.until || !keyIsPublished(entry.kid)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, kid: string, until: number): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { principal, kid, until });
  }
}
