// Runs once when the server starts: a configuration problem stops it at once,
// with every problem in words, rather than at the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { loadConfig } = await import("./lib/config");
  loadConfig();
}
