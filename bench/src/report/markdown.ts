// The report as markdown: what ran where, one table of ratios against the goals, the peak
// memory of every process, and the ratio of each round (their spread is the noise).
import { RSS_GOAL_MB, type Row } from "./summary.js";

export interface ServiceSummary {
  name: string;
  role: string;
  /** After start-up and the checks, before any load. */
  idleRssMb: number;
  peakRssMb: number;
  /** Lines written to stdout (ours: one JSON log line per request); not counted with BENCH_STDOUT=null. */
  stdoutLines: number | undefined;
}

export interface Report {
  startedAt: string;
  wallSeconds: number;
  machine: { cpu: string; cores: number; node: string; kernel: string; postgres: string };
  /** The 1-minute load average when the run started and when it ended: other work competes for the cores. */
  loadAverage: { start: number; end: number };
  method: {
    loadGenerator: string;
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    rounds: number;
    posts: number;
    stdout: string;
  };
  rows: Row[];
  services: ServiceSummary[];
  notes: string[];
}

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "—");
const verdict = (ok: boolean | undefined) => (ok === undefined ? "" : ok ? " pass" : " **FAIL**");

function row(r: Row): string {
  const ratioGoal = r.goal.minRatio === undefined ? "no goal" : `goal ≥ ${r.goal.minRatio.toFixed(2)}`;
  const p99Goal = r.goal.maxP99Ratio === undefined ? "no goal" : `goal ≤ ${r.goal.maxP99Ratio.toFixed(1)}`;
  const cells = [
    r.path,
    `${r.ours.name} vs ${r.peer.name}`,
    `${n(r.ours.requestsPerSecond)} / ${n(r.peer.requestsPerSecond)}`,
    `**${n(r.ratio, 2)}** (${ratioGoal})${verdict(r.verdicts.ratio)}`,
    `${n(r.ours.p50Ms, 2)} / ${n(r.peer.p50Ms, 2)}`,
    `${n(r.ours.p99Ms, 2)} / ${n(r.peer.p99Ms, 2)}`,
    `${n(r.p99Ratio, 2)} (${p99Goal})${verdict(r.verdicts.p99)}`,
    `${n(r.ours.peakRssMb)} / ${n(r.peer.peakRssMb)} (goal ≤ ${RSS_GOAL_MB})${verdict(r.verdicts.rss)}`,
    `${n(r.ours.cpuUsPerRequest)} / ${n(r.peer.cpuUsPerRequest)} (${n(r.peer.cpuUsPerRequest / r.ours.cpuUsPerRequest, 2)})`,
    r.verdicts.noFailures ? (r.pass ? "pass" : "**FAIL**") : `**FAIL** (${r.ours.failures} / ${r.peer.failures} failed requests)`,
  ];
  return `| ${cells.join(" | ")} |`;
}

export function toMarkdown(report: Report): string {
  const { machine: m, method: x } = report;
  const lines = [
    `# bench:compare, ${report.startedAt}`,
    "",
    `Machine: ${m.cpu}, ${m.cores} cores, Linux ${m.kernel}, Node ${m.node}, ${m.postgres}. Load generator, services, peers and PostgreSQL share these cores; 1-minute load average ${n(report.loadAverage.start, 1)} at the start, ${n(report.loadAverage.end, 1)} at the end.`,
    `Method: ${x.loadGenerator}, ${x.connections} connections, 127.0.0.1; each configuration ${x.rounds} × ${x.durationSeconds} s in interleaved rounds after a ${x.warmupSeconds} s warm-up; medians of the rounds; a ratio is the median of the rounds' ratios (the two sides of a round run back to back). ${x.posts} posts in the table. Ours: compiled, \`node dist/server.js\`, NODE_ENV=production, LOG_LEVEL=info; ${x.stdout}. Run time ${Math.round(report.wallSeconds)} s.`,
    "",
    "| Path | Ours vs peer | req/s ours / peer | Ratio ours/peer | p50 ms ours / peer | p99 ms ours / peer | p99 ratio | Peak RSS MB ours / peer | Server CPU µs/req ours / peer (peer/ours) | Result |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...report.rows.map(row),
    "",
    "Ratio per round (ours/peer req/s): " + report.rows.map((r) => `${r.path.split(" ")[0]} ${r.ratioByRound.map((v) => n(v, 2)).join(", ")}`).join("; ") + ".",
    "",
    "| Process | Role | RSS MB before load | Peak RSS MB under load | stdout lines |",
    "|---|---|---|---|---|",
    ...report.services.map((s) => `| ${s.name} | ${s.role} | ${n(s.idleRssMb)} | ${n(s.peakRssMb)} | ${s.stdoutLines ?? "not counted"} |`),
    ...(report.notes.length > 0 ? ["", ...report.notes.map((note) => `- ${note}`)] : []),
  ];
  return `${lines.join("\n")}\n`;
}
