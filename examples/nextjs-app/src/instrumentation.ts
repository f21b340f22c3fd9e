// Runs once when the server starts: a configuration problem stops it at once,
// with every problem in words, rather than failing each request later.
// (Next.js itself would log a failed hook and keep serving.)
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, loadConfig } = await import("./lib/config");
  try {
    loadConfig();
  } catch (error: unknown) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
