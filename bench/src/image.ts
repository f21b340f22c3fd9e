// How a service's image runs it, read from its Dockerfile: the final stage's ENV and CMD.
// The harness starts our services with exactly these (PORT and HOST aside: ephemeral ports
// on 127.0.0.1), so a runtime setting changed in the Dockerfile (NODE_OPTIONS, say) is
// what the benchmark measures.
import { readFileSync } from "node:fs";

export interface ImageRuntime {
  /** The final stage's ENV, in order, later values winning. */
  env: Record<string, string>;
  /** The final stage's CMD, exec form. */
  command: string[];
}

/** ENV's `key=value` pairs; values may be double-quoted. */
function envPairs(args: string): Array<[string, string]> {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(([, key = "", raw = ""]) => [
    key,
    raw.startsWith('"') ? (JSON.parse(raw) as string) : raw,
  ]);
}

export function imageRuntime(dockerfile: string): ImageRuntime {
  const instructions = readFileSync(dockerfile, "utf8")
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => /^\s*([A-Za-z]+)\s+(.*)$/.exec(line))
    .flatMap((match) => (match ? [{ keyword: (match[1] ?? "").toUpperCase(), args: (match[2] ?? "").trim() }] : []));
  const finalStage = instructions.slice(instructions.findLastIndex((i) => i.keyword === "FROM"));
  const env = Object.fromEntries(finalStage.filter((i) => i.keyword === "ENV").flatMap((i) => envPairs(i.args)));
  const cmd = finalStage.findLast((i) => i.keyword === "CMD")?.args ?? "";
  const command = cmd.startsWith("[") ? (JSON.parse(cmd) as string[]) : [];
  if (command[0] !== "node" || command.length < 2) throw new Error(`${dockerfile}: the final stage's CMD must be \`["node", ...]\` in exec form, but it is \`${cmd}\`.`);
  return { env, command };
}
