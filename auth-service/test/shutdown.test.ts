import { describe, expect, it } from "@jest/globals";
import http from "node:http";
import { PASSWORD, startAuthService, uniqueEmail } from "./helpers.js";

/** Starts a sign-up whose body is only half sent, so the request is in flight until `finish` is called. */
function halfSentSignUp(base: string): { finish: () => void; status: Promise<number> } {
  const body = JSON.stringify({ email: uniqueEmail("drain"), password: PASSWORD, name: "Drain" });
  const url = new URL("/api/auth/sign-up/email", base);
  const request = http.request(url, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), origin: base },
  });
  const status = new Promise<number>((resolve, reject) => {
    request.once("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once("error", reject);
  });
  request.write(body.slice(0, 10));
  return { finish: () => request.end(body.slice(10)), status };
}

describe("graceful shutdown", () => {
  it("finishes in-flight requests, then refuses new connections", async () => {
    const running = await startAuthService();
    const inFlight = Array.from({ length: 4 }, () => halfSentSignUp(running.url));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stopped = running.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();

    for (const request of inFlight) request.finish();
    expect(await Promise.all(inFlight.map((request) => request.status))).toEqual([200, 200, 200, 200]);
    await stopped;
  });
});
