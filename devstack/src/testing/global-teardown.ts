// Jest globalTeardown: stops the embedded test server if globalSetup started one.
export default async function globalTeardown(): Promise<void> {
  await globalThis.__authbridgeTestServer?.stop();
}
