// Authentication failures become problems here, with the RFC 6750 challenge
// (WWW-Authenticate) and the verifier's stable code; the reason (finer) is
// logged, never sent.
import { AuthError, authErrorResponse } from "@authbridge/verifier";
import { HttpProblem, type ProblemMapper } from "@authbridge/service-kit";

export function authProblems(realm: string): ProblemMapper {
  return (error) => {
    if (!(error instanceof AuthError)) return undefined;
    const { status, headers, body } = authErrorResponse(error, realm);
    return new HttpProblem(status, body.code, body.detail, headers);
  };
}
