// Provider verification with the silent-green traps of Pact JS guarded: a
// state handler that throws does not fail a verification by itself, a state
// without any handler only logs a warning, and an empty or missing pact folder
// does not fail either. Here each fails the test.
import { expect } from "@jest/globals";
import { Verifier } from "@pact-foundation/pact";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { PACT_DIR } from "../consumer/shared.js";

type Handler = (parameters?: Record<string, unknown>) => Promise<Record<string, unknown> | undefined>;
type StateHandlers = NonNullable<ConstructorParameters<typeof Verifier>[0]["stateHandlers"]>;

/** The committed pact files naming `provider`; fails when there are none, or none with interactions. */
export function pactFilesFor(provider: string, dir = PACT_DIR): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    throw new Error(`There is no pact folder at ${dir}: run the consumer tests first.`);
  }
  const files = names
    .map((name) => path.join(dir, name))
    .filter((file) => {
      const pact = JSON.parse(readFileSync(file, "utf8")) as { provider?: { name?: string }; interactions?: unknown[]; messages?: unknown[] };
      return pact.provider?.name === provider && ((pact.interactions?.length ?? 0) > 0 || (pact.messages?.length ?? 0) > 0);
    });
  if (files.length === 0) throw new Error(`No pact in ${dir} names the provider ${provider} with any interaction.`);
  return files;
}

/** Wraps state handlers so that any failure is recorded and fails the verification. */
export function guarded(handlers: Record<string, Handler>): { stateHandlers: StateHandlers; failures: string[] } {
  const failures: string[] = [];
  const stateHandlers: StateHandlers = {};
  for (const [state, handler] of Object.entries(handlers)) {
    stateHandlers[state] = async (parameters?: unknown) => {
      try {
        return (await handler(parameters as Record<string, unknown> | undefined)) as never;
      } catch (error: unknown) {
        failures.push(`${state}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    };
  }
  return { stateHandlers, failures };
}

/** Every provider state the pacts name (for their HTTP interactions and messages). */
export function statesIn(files: string[]): string[] {
  const states = new Set<string>();
  for (const file of files) {
    const pact = JSON.parse(readFileSync(file, "utf8")) as { interactions?: Array<{ providerStates?: Array<{ name?: string }> }> };
    for (const interaction of pact.interactions ?? []) for (const state of interaction.providerStates ?? []) if (state.name) states.add(state.name);
  }
  return [...states].sort();
}

export async function verify(provider: string, providerBaseUrl: string, handlers: Record<string, Handler>, extra: Record<string, unknown> = {}): Promise<void> {
  const pactUrls = pactFilesFor(provider);
  const unhandled = statesIn(pactUrls).filter((state) => !(state in handlers));
  if (unhandled.length > 0) throw new Error(`The pacts name provider states without a handler: ${unhandled.join("; ")}.`);
  const { stateHandlers, failures } = guarded(handlers);
  await new Verifier({ provider, providerBaseUrl, pactUrls, stateHandlers, logLevel: "warn", ...extra }).verifyProvider();
  expect(failures).toEqual([]);
}
