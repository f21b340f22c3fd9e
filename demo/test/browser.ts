// Headless Chromium from the system (Debian's `chromium` package), driven by
// playwright-core: no browser is downloaded. Each launch gets a fresh
// profile in a temporary folder, removed on close.
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary.`);
  }
  const userDataDir = await mkdtemp(path.join(tmpdir(), "authbridge-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: { width: 1200, height: 900 },
      deviceScaleFactor: 1,
      locale: "en-GB",
      timezoneId: "UTC",
    });
    return {
      context,
      async close() {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
