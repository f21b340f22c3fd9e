// Issue 5, key rotation that never rejects a valid token: two auth-service and
// two resource-service instances under load while the key is rotated twice.
//
// Shortened for CI, but faithful: the auth-service's smallest allowed
// settings (JWKS_MAX_AGE_SECONDS=0, which the verifiers raise to their 30 s
// minimum cache lifetime, and JWT_KEY_PUBLISH_AHEAD_SECONDS=90), the
// verifiers' defaults, and the operators' `keys rotate`. The two rotations
// overlap (the second 3 s after the first has finished), so three keys sign
// within about 105 s. `npm run reliability -- rotation --full` runs it with
// JWKS_MAX_AGE_SECONDS=30 and a publish-ahead of 90 s, one rotation after the
// other.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startFleet, type Fleet } from "../src/fleet.js";
import { rotationUnderLoad } from "../src/scenarios/rotation.js";
import { failures, report } from "../src/stats.js";

const PUBLISH_AHEAD_SECONDS = 90;

describe("key rotation under load", () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await startFleet({
      authInstances: 2,
      resourceInstances: 2,
      authEnv: { JWKS_MAX_AGE_SECONDS: "0", JWT_KEY_PUBLISH_AHEAD_SECONDS: String(PUBLISH_AHEAD_SECONDS) },
    });
  }, 90_000);
  afterAll(() => fleet?.stop(), 60_000);

  it("rejects no valid request while the signing key is rotated twice", async () => {
    const result = await rotationUnderLoad(fleet, {
      firstRotationAtMs: 0,
      secondRotationAfterMs: 3_000,
      publishAheadMs: PUBLISH_AHEAD_SECONDS * 1000,
      tailMs: 3_000,
      rate: 50,
      tokenEvery: 5,
      users: 6,
    });
    report("key rotation under load", { ...result, keysListed: result.keysListed.trim().split("\n") });
    expect(new Set(result.kids).size).toBe(3);
    expect(result.rejected).toBe(0);
    expect(failures(result.api)).toBe(0);
    expect(failures(result.tokens)).toBe(0);
    for (const accepted of result.acceptedPerKey) expect(accepted).toBeGreaterThan(0);
  }, 240_000);
});
