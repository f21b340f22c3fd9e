// The server's start-up check (instrumentation.ts, Node.js runtime only): an
// invalid configuration stops the server at once, every problem in words.
// Next.js itself would log a failed instrumentation hook and keep serving.
import { ConfigError, loadConfig } from "../config";

export function checkConfig(): void {
  try {
    loadConfig();
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
