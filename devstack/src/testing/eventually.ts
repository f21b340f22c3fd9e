// Waiting for something asynchronous a test cannot await directly (a
// publish/subscribe message, a reconnection): polls `check` every 100 ms and
// fails, naming `what`, after `timeoutMs`.
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
