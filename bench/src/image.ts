// How a service's image runs it, read from its Dockerfile: the final stage's ENV and CMD.
// The harness starts our services with exactly these (PORT and HOST aside: ephemeral ports
// on 127.0.0.1), so a runtime setting changed in the Dockerfile (NODE_OPTIONS, say) is
// what the benchmark measures.
import { readFileSync } from "node:fs";
import { dockerfileInstructions, finalRuntime } from "@authbridge/devstack/dockerfile";

export interface ImageRuntime {
  /** The final stage's ENV, in order, later values winning. */
  env: Record<string, string>;
  /** The final stage's CMD, exec form. */
  command: string[];
}

export function imageRuntime(dockerfile: string): ImageRuntime {
  const runtime = finalRuntime(dockerfileInstructions(readFileSync(dockerfile, "utf8")));
  const [program] = runtime.command;
  if (program !== "node" || runtime.command.length < 2) throw new Error(`${dockerfile}: the final stage's CMD must be \`["node", ...]\` in exec form, but it is \`${runtime.command.join(" ")}\`.`);
  return runtime;
}
