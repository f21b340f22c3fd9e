// The revocation list: what the verifier's synchronous isRevoked hook reads.
import { describe, expect, it } from "@jest/globals";
import { claimsToPrincipal } from "../src/core/index.js";
import { RevocationList } from "../src/revocation/index.js";

const principal = (sid?: string) => claimsToPrincipal({ sub: "user-1", ...(sid ? { sid } : {}) });

describe("the revocation list", () => {
  it("refuses an ended session until its tokens have all expired, and nothing else", () => {
    let now = 1_000_000;
    const list = new RevocationList({ now: () => now });
    list.add("ended", now + 60_000);
    expect(list.isRevoked(principal("ended"))).toBe(true);
    expect(list.isRevoked(principal("other"))).toBe(false);
    expect(list.isRevoked(principal())).toBe(false);
    now += 60_000;
    expect(list.isRevoked(principal("ended"))).toBe(false);
    list.prune();
    expect(list.size).toBe(0);
  });

  it("ignores entries already past, and keeps the later time when a session is announced twice", () => {
    const now = 5_000;
    const list = new RevocationList({ now: () => now });
    list.add("past", now);
    expect(list.size).toBe(0);
    list.add("twice", now + 10);
    list.add("twice", now + 1_000);
    list.add("twice", now + 20);
    expect(list.size).toBe(1);
    expect(list.has("twice")).toBe(true);
  });

  it("stays within maxEntries, dropping the oldest announcement (the one closest to expiry) and counting it", () => {
    const now = 0;
    const list = new RevocationList({ maxEntries: 3, now: () => now });
    for (const [index, sid] of ["a", "b", "c", "d"].entries()) list.add(sid, 1_000 + index);
    expect(list.size).toBe(3);
    expect(list.evicted).toBe(1);
    expect(["a", "b", "c", "d"].map((sid) => list.has(sid))).toEqual([false, true, true, true]);
  });

  it("keeps refusing for the verifier's clock tolerance past the announced time, as the verifier accepts tokens that long", () => {
    let now = 0;
    const list = new RevocationList({ clockToleranceSeconds: 30, now: () => now });
    list.add("ended", 1_000);
    now = 30_999;
    expect(list.has("ended")).toBe(true);
    now = 31_000;
    expect(list.has("ended")).toBe(false);
  });

  it("refuses nonsensical bounds", () => {
    expect(() => new RevocationList({ maxEntries: 0 })).toThrow("maxEntries must be a positive integer.");
    expect(() => new RevocationList({ clockToleranceSeconds: -1 })).toThrow("clockToleranceSeconds must be a non-negative number.");
  });
});
