// Finding the bearer token of a request (RFC 6750 section 2.1): only one
// Authorization header, only the Bearer scheme, never the query string.
import { describe, expect, it } from "@jest/globals";
import { AuthError, extractBearerToken, tokenSourceFromRawHeaders, type TokenSource } from "../src/core/index.js";

/** The reason extractBearerToken refuses `source` for. */
function refusal(source: TokenSource): string {
  try {
    extractBearerToken(source);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  }
  throw new Error("expected the request to be refused");
}

describe("extractBearerToken", () => {
  it.each([
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["Bearer   abc", "abc"],
    ["Bearer a-b_c~d+e/f", "a-b_c~d+e/f"],
    ["Bearer abc==", "abc=="],
  ])("reads %j as the token %j", (authorization, token) => {
    expect(extractBearerToken({ authorization: [authorization] })).toBe(token);
  });

  it("takes no header, and another scheme, as no token at all", () => {
    expect(refusal({ authorization: [] })).toBe("missing");
    expect(refusal({ authorization: ["Basic dXNlcjpwYXNz"] })).toBe("missing");
    expect(refusal({ authorization: ["Bearerabc"] })).toBe("missing");
  });

  it.each(["Bearer", "Bearer ", "Bearer a b", "Bearer\tabc", "Bearer ab=c", "Bearer abc ", "Bearer a\u00e9"])("refuses the malformed header %j", (authorization) => {
    expect(refusal({ authorization: [authorization] })).toBe("malformed_header");
  });

  it("refuses two Authorization headers, even two good ones", () => {
    expect(refusal({ authorization: ["Bearer abc", "Bearer abc"] })).toBe("multiple_headers");
  });

  it("refuses a token in the query string before anything else, even with a good header", () => {
    expect(refusal({ authorization: ["Bearer abc"], queryToken: true })).toBe("token_in_query");
    expect(refusal({ authorization: [], queryToken: true })).toBe("token_in_query");
  });
});

describe("tokenSourceFromRawHeaders", () => {
  it("keeps every Authorization header apart, whatever its case, in order", () => {
    const raw = ["Host", "example.com", "authorization", "Bearer one", "Accept", "*/*", "AUTHORIZATION", "Bearer two"];
    expect(tokenSourceFromRawHeaders(raw, "/api")).toEqual({ authorization: ["Bearer one", "Bearer two"], queryToken: false });
    expect(tokenSourceFromRawHeaders(["Host", "example.com"], "/api")).toEqual({ authorization: [], queryToken: false });
  });

  it.each([
    ["/api?access_token=abc", true],
    ["/api?limit=1&access_token", true],
    ["/api?%61ccess_token=abc", true],
    ["/api?access_token_hint=abc", false],
    ["/api?token=abc", false],
    ["/api/access_token", false],
    ["/api", false],
  ])("reads %j as carrying a query token: %j", (url, queryToken) => {
    expect(tokenSourceFromRawHeaders([], url).queryToken).toBe(queryToken);
  });
});
