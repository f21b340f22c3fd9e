// A Dockerfile read instruction by instruction (comments dropped, continued lines
// joined), each with the stage it belongs to and its working directory. Shared by
// the image tests (testing/docker.ts) and the benchmark, which starts our services
// with their image's final ENV and CMD.
import path from "node:path";

export interface Instruction { index: number; keyword: string; args: string; stage: string; workdir: string }

/** The words of a shell-form or exec-form (JSON array) argument list. */
export function words(args: string): string[] {
  if (!args.startsWith("[")) return args.split(/\s+/).filter(Boolean);
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === "string")) throw new Error(`Not a list of strings: ${args}`);
  return parsed;
}

/** An instruction's arguments without its leading --flags. */
export const withoutFlags = (args: string) => args.replace(/^(--\S+\s+)+/, "");

export function dockerfileInstructions(text: string): Instruction[] {
  const source = text.split("\n").filter((line) => !/^\s*#/.test(line)).join("\n").replace(/\\\n/g, " ");
  const workdirs = new Map<string, string>();
  let [stage, workdir] = ["", "/"];
  return [...source.matchAll(/^\s*([A-Za-z]+)\s+(.*)$/gm)].map(([, keyword = "", rawArgs = ""], index) => {
    const [upper, args] = [keyword.toUpperCase(), rawArgs.trim()];
    if (upper === "FROM") {
      const [image = "", , name] = withoutFlags(args).split(/\s+/);
      [stage, workdir] = [name ?? image, workdirs.get(image) ?? "/"];
    }
    if (upper === "WORKDIR") workdir = path.posix.resolve(workdir, args);
    workdirs.set(stage, workdir);
    return { index, keyword: upper, args, stage, workdir };
  });
}

/** The `key=value` pairs of an ENV instruction; values may be double-quoted. */
export function envPairs(args: string): Array<[string, string]> {
  return [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)].map(([, key = "", raw = ""]) => [key, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]);
}

/**
 * How a container of the image starts: its final stage's ENV (in order, later values winning)
 * and its CMD's words in exec form (none for a shell-form CMD, which /bin/sh would run).
 */
export function finalRuntime(instructions: readonly Instruction[]): { env: Record<string, string>; command: string[] } {
  const finalStage = instructions.at(-1)?.stage;
  const ofFinal = (keyword: string) => instructions.filter((i) => i.stage === finalStage && i.keyword === keyword);
  const cmd = ofFinal("CMD").at(-1)?.args ?? "";
  return { env: Object.fromEntries(ofFinal("ENV").flatMap((i) => envPairs(i.args))), command: cmd.startsWith("[") ? words(cmd) : [] };
}
