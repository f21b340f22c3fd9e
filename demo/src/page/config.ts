// What the page learns from the demo server's /config.json.

export interface PageConfig {
  /** The auth-service's origin. */
  authUrl: string;
  /** The resource-service's origin. */
  apiUrl: string;
  /** The client renews a token this many seconds before it expires. */
  renewBeforeSeconds: number;
  /** The local stack's mail inbox, where verification and reset mails land (absent with a real SMTP server). */
  inboxUrl?: string;
}

export function parsePageConfig(value: unknown): PageConfig {
  const config = (value ?? {}) as Partial<Record<keyof PageConfig, unknown>>;
  if (typeof config.authUrl !== "string" || typeof config.apiUrl !== "string" || typeof config.renewBeforeSeconds !== "number") {
    throw new Error("/config.json lacks authUrl, apiUrl or renewBeforeSeconds.");
  }
  return {
    authUrl: config.authUrl,
    apiUrl: config.apiUrl,
    renewBeforeSeconds: config.renewBeforeSeconds,
    ...(typeof config.inboxUrl === "string" ? { inboxUrl: config.inboxUrl } : {}),
  };
}
