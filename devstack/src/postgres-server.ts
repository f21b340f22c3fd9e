// Finds the PostgreSQL server the stack or the tests use: the one DATABASE_URL
// names, or else an embedded one whose data lives under .data/ in the repo.
import net from "node:net";
import path from "node:path";
import { repoRoot } from "./databases.js";
import { startEmbeddedPostgres } from "./embedded-postgres.js";

export interface PostgresServer {
  /** A URL for a maintenance database on the server, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** "external" when DATABASE_URL (or a found server) is used, "embedded" when we run it. */
  kind: "external" | "embedded";
  stop(): Promise<void>;
}

export interface ResolveOptions {
  /** An explicit server URL; when absent an embedded server is started. */
  url?: string | undefined;
  /** Folder of the embedded cluster, relative to the repository root unless absolute. */
  embeddedDir: string;
  embeddedPort: number;
  log?: (line: string) => void;
}

export async function resolvePostgres(options: ResolveOptions): Promise<PostgresServer> {
  if (options.url) {
    return { adminUrl: options.url, kind: "external", stop: async () => undefined };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(repoRoot, options.embeddedDir),
    port: options.embeddedPort,
    ...(options.log ? { log: options.log } : {}),
  });
  return { adminUrl: server.adminUrl, kind: "embedded", stop: () => server.stop() };
}

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Parses a port-valued environment variable, with a full-sentence error when it is not one. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a TCP port number between 1 and 65535, but it is "${raw}".`);
  }
  return port;
}
