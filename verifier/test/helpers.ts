import { expect } from "@jest/globals";
import { AuthError, createVerifier, type TokenSource, type VerifierOptions } from "../src/core/index.js";
import type { TestIssuer } from "../src/testing/index.js";

export const AUDIENCE = "https://api.example.com";

export function verifierFor(issuer: TestIssuer, options: Partial<VerifierOptions> = {}) {
  return createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, ...options });
}

/** Asserts that `promise` rejects with an AuthError of this status, code and reason. */
export async function expectAuthFailure(promise: Promise<unknown>, status: number, code: string, reason: string): Promise<AuthError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the token to be refused");
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect({ status: authError.status, code: authError.code, reason: authError.reason }).toEqual({ status, code, reason });
  return authError;
}

export const b64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A request's token sources with one `Authorization: Bearer <token>` header. */
export const bearer = (token: string): TokenSource => ({ authorization: [`Bearer ${token}`] });
