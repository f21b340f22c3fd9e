// A token issued by any auth-service instance is accepted by every
// resource-service instance: they share the signing keys (one database), and
// every verifier fetches the same JWKS through the issuer.
import type { Fleet } from "../fleet.js";
import { fetchToken, signUpUser } from "../users.js";

export interface CrossInstanceResult {
  /** One row per (issuing instance, verifying instance) pair: the status of GET /api/v1/users/me. */
  checks: Array<{ issuedBy: string; verifiedBy: string; status: number }>;
  accepted: number;
}

export async function crossInstanceTokens(fleet: Fleet): Promise<CrossInstanceResult> {
  const first = fleet.auth[0];
  if (!first) throw new Error("the fleet has no auth-service instance");
  const user = await signUpUser(first.url, fleet.issuer, "cross");
  const checks: CrossInstanceResult["checks"] = [];
  for (const issuing of fleet.auth) {
    const token = await fetchToken(issuing.url, fleet.issuer, user);
    for (const verifying of fleet.resource) {
      const response = await fetch(`${verifying.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
      await response.body?.cancel();
      checks.push({ issuedBy: issuing.name, verifiedBy: verifying.name, status: response.status });
    }
  }
  return { checks, accepted: checks.filter((check) => check.status === 200).length };
}
