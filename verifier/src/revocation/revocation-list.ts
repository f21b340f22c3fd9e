// Ended sessions a verifier must refuse, in memory: the synchronous
// `isRevoked` hook of createVerifier answers from here on every request, with
// no I/O. Entries leave when every token of their session has expired.
import type { Principal } from "../core/principal.js";

export interface RevocationListOptions {
  /**
   * The most sessions held (default 100,000, about 10 MB). Beyond it the
   * oldest entry is dropped: entries arrive in about the order they expire,
   * so it is the one with the least time left, and the drop is logged.
   */
  maxEntries?: number;
  /**
   * The verifier's clock tolerance: it accepts a token until `exp` plus this,
   * so an ended session's tokens are refused that much longer too.
   */
  clockToleranceSeconds?: number;
  now?: () => number;
}

export class RevocationList {
  readonly maxEntries: number;
  /** Entries dropped because the list was full. */
  evicted = 0;
  private readonly entries = new Map<string, number>();
  private readonly now: () => number;
  private readonly toleranceMs: number;

  constructor(options: RevocationListOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError("maxEntries must be a positive integer.");
    const tolerance = options.clockToleranceSeconds ?? 0;
    if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError("clockToleranceSeconds must be a non-negative number.");
    this.toleranceMs = tolerance * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Records that session `sid` has ended and its tokens may live until `announcedUntil` (ms since the epoch). */
  add(sid: string, announcedUntil: number): void {
    const until = announcedUntil + this.toleranceMs;
    if (!(until > this.now())) return;
    const known = this.entries.get(sid);
    if (known !== undefined && known >= until) return;
    this.entries.delete(sid);
    if (this.entries.size >= this.maxEntries) this.prune();
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.evicted += 1;
    }
    this.entries.set(sid, until);
  }

  /** Whether a token of session `sid` must be refused now. */
  has(sid: string): boolean {
    const until = this.entries.get(sid);
    return until !== undefined && until > this.now();
  }

  /** The verifier hook: a token whose session ended is refused; a token without `sid` is not affected. */
  readonly isRevoked = (principal: Principal): boolean => principal.sid !== undefined && this.has(principal.sid);

  /** Drops the entries whose tokens have all expired. */
  prune(): void {
    const now = this.now();
    for (const [sid, until] of this.entries) if (until <= now) this.entries.delete(sid);
  }

  get size(): number {
    return this.entries.size;
  }
}
