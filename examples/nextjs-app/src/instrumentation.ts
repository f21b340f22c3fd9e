// Runs once when the server starts: a configuration problem stops it at once,
// rather than failing each request later (lib/server/check-config.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") (await import("./lib/server/check-config")).checkConfig();
}
