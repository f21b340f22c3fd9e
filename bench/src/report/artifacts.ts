// Where a report goes: artifacts/bench-compare/<timestamp>.json and .md at the repository
// root (artifacts/ is git-ignored).
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "@authbridge/devstack";
import { toMarkdown, type Report } from "./markdown.js";

export async function writeReport(report: Report): Promise<{ json: string; markdown: string }> {
  const dir = path.join(repoRoot, "artifacts", "bench-compare");
  const stem = report.startedAt.replace(/[:.]/g, "-");
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, `${stem}.json`);
  const markdown = path.join(dir, `${stem}.md`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, toMarkdown(report));
  return { json: path.relative(repoRoot, json), markdown: path.relative(repoRoot, markdown) };
}
