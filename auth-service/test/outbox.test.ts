// The outbox's retry schedule: doubling from the base, capped, jittered, and so bounded.
import { describe, expect, it } from "@jest/globals";
import { retryDelayMs } from "../src/mail/outbox.js";

describe("retryDelayMs", () => {
  it("doubles from the base up to the cap, within ±20% jitter", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(attempt, 5_000, 900_000, middle))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000,
    ]);
    expect(retryDelayMs(9, 5_000, 900_000, middle)).toBe(900_000);
    expect(retryDelayMs(1_000, 5_000, 900_000, middle)).toBe(900_000);
    expect(retryDelayMs(3, 5_000, 900_000, () => 0)).toBe(16_000);
    expect(retryDelayMs(3, 5_000, 900_000, () => 1)).toBe(24_000);
  });

  it("spreads the default 12 attempts over about an hour (a reset link's lifetime)", () => {
    const waits = Array.from({ length: 11 }, (_, index) => retryDelayMs(index + 1, 5_000, 900_000, () => 0.5));
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(3_975_000);
  });
});
