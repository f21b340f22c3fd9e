// HTTP helpers shared by every service's tests.
import { expect } from "@jest/globals";

/** Asserts a problem+json response with the given status and stable code; returns its body. */
export async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(body).toEqual(
    expect.objectContaining({ type: expect.stringMatching(/^urn:authbridge:problem:/), title: expect.any(String), status, detail: expect.any(String) }),
  );
  return body;
}

export { freePort } from "./ports.js";

/** Calls `load` and returns the message of the configuration error it must throw. */
export function configErrorMessage(load: () => unknown, errorClass: new (...args: never[]) => Error): string {
  try {
    load();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(errorClass);
    return (error as Error).message;
  }
  throw new Error("expected the configuration to be refused");
}
