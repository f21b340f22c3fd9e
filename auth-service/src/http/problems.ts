// The auth-service's own errors as problem+json answers, for service-kit's
// error handler (app.ts); what they mean stays with the code that throws them.
import { HttpProblem } from "@authbridge/service-kit";
import { SigningKeyError } from "../keys/signing-keys.js";

/** A SigningKeyError is 503 signing_unavailable: a key this instance cannot decrypt is an operations problem, not a client's. */
export function signingUnavailable(error: unknown): HttpProblem | undefined {
  if (!(error instanceof SigningKeyError)) return undefined;
  return new HttpProblem(503, "signing_unavailable", "Tokens cannot be issued right now; try again shortly.", { "Retry-After": "30" });
}
