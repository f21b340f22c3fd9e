// The auth-service's mail: an outbox in its database, delivered over SMTP.
import type { Logger } from "pino";
import type { AuthServiceConfig } from "../config.js";
import type { Database } from "../db.js";
import { createOutbox, type Outbox } from "./outbox.js";
import { sendDeadlineMs, smtpSender } from "./transport.js";

export type { Outbox } from "./outbox.js";

/** The outbox, or undefined when no SMTP server is configured (nothing is mailed). */
export function createMailOutbox(config: AuthServiceConfig, db: Database, logger: Logger): Outbox | undefined {
  const { smtp, from, maxAttempts, retryBaseDelayMs, retryMaxDelayMs } = config.mail;
  if (!smtp) return undefined;
  return createOutbox(db.pool, smtpSender(smtp, from), logger.child({ component: "mail" }), {
    maxAttempts,
    retryBaseDelayMs,
    retryMaxDelayMs,
    leaseMs: Math.max(60_000, sendDeadlineMs(smtp)),
  });
}
