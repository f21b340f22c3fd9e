// Authentication failures become problems here, with the RFC 6750 challenge
// (WWW-Authenticate) and the verifier's stable code; the reason (finer) is
// logged, never sent.
import { AuthError } from "@authbridge/verifier";
import { authErrorResponse } from "@authbridge/verifier/express";
import { HttpProblem, type ProblemMapper } from "@authbridge/service-kit";

export function authProblems(realm: string): ProblemMapper {
  return (error) => {
    if (!(error instanceof AuthError)) return undefined;
    const { status, code, detail, headers } = authErrorResponse(error, realm);
    return new HttpProblem(status, code, detail, headers);
  };
}
