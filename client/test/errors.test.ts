import { describe, expect, it } from "@jest/globals";
import { ApiError, AuthorizationError, EmailNotVerifiedError, errorFromResponse, RateLimitError, ValidationError } from "../src/index.js";

const problem = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json", ...headers } });

describe("errors from responses", () => {
  it("reads Retry-After into a RateLimitError", async () => {
    const error = await errorFromResponse(problem(429, { status: 429, code: "RATE_LIMITED", detail: "Slow down." }, { "retry-after": "17" }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterSeconds).toBe(17);
    expect(error.code).toBe("RATE_LIMITED");
  });

  it("leaves retryAfterSeconds undefined without a Retry-After (never an instant retry), and reads an HTTP date", async () => {
    const missing = await errorFromResponse(problem(429, { code: "RATE_LIMITED" }));
    expect((missing as RateLimitError).retryAfterSeconds).toBeUndefined();
    const dated = await errorFromResponse(problem(429, { code: "RATE_LIMITED" }, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }));
    expect((dated as RateLimitError).retryAfterSeconds).toBeGreaterThanOrEqual(28);
  });

  it("ignores a body that is an array, and fields of the wrong type", async () => {
    const error = await errorFromResponse(problem(400, [1, 2, 3]));
    expect({ status: error.status, code: error.code }).toEqual({ status: 400, code: "unknown" });
    const typed = await errorFromResponse(problem(400, { code: 42, detail: { nested: true } }));
    expect({ code: typed.code, detail: typed.detail }).toEqual({ code: "unknown", detail: "" });
  });

  it("reads 403 email_unverified as an EmailNotVerifiedError, which is an AuthorizationError; other 403s are not", async () => {
    const unverified = await errorFromResponse(problem(403, { status: 403, code: "email_unverified", detail: "Verify your email address to make changes." }));
    expect(unverified).toBeInstanceOf(EmailNotVerifiedError);
    expect(unverified).toBeInstanceOf(AuthorizationError);
    expect({ name: unverified.name, code: unverified.code, retryable: unverified.retryable }).toEqual({ name: "EmailNotVerifiedError", code: "email_unverified", retryable: false });
    const notOwner = await errorFromResponse(problem(403, { status: 403, code: "not_owner" }));
    expect(notOwner).toBeInstanceOf(AuthorizationError);
    expect(notOwner).not.toBeInstanceOf(EmailNotVerifiedError);
  });

  it("keeps only well-formed field errors", async () => {
    const error = await errorFromResponse(problem(422, { code: "validation_failed", errors: [{ field: "title", message: "must not be empty" }, { nope: 1 }] }));
    expect((error as ValidationError).fieldErrors).toEqual([{ field: "title", message: "must not be empty" }]);
  });

  it("survives a body that is not JSON", async () => {
    const error = await errorFromResponse(new Response("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    expect(error).toBeInstanceOf(ApiError);
    expect({ status: error.status, code: error.code }).toEqual({ status: 502, code: "unknown" });
  });
});
