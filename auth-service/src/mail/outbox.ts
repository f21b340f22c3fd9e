// Mail off the request path: a request writes the mail into the `mail_outbox`
// table (one INSERT, milliseconds) and a background worker delivers it over
// SMTP. A slow or dead SMTP server never fails or delays an HTTP answer, and a
// mail survives a restart (PostgreSQL holds it, not the process).
//
// - Retries: each failed attempt waits twice as long as the previous one
//   (MAIL_RETRY_BASE_DELAY_MS, doubling, capped at MAIL_RETRY_MAX_DELAY_MS,
//   with jitter), at most MAIL_MAX_ATTEMPTS attempts; then the mail is given up
//   on and logged by id, kind and attempts: never its recipient's link.
// - Several instances share the table: a worker claims due rows with
//   FOR UPDATE SKIP LOCKED and a lease (`lockedUntil`), so each mail is sent by
//   one of them; a worker that dies mid-send leaves the lease to expire and the
//   mail is sent again (at least once, never lost).
// - A mail is deleted once delivered or given up on, so the links it carries
//   stay in the database no longer than it takes to deliver them.
// - All times are PostgreSQL's (now()), so the instances' clocks do not matter.
import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { Logger } from "pino";
import type { RenderedMail } from "./templates.js";

export interface MailSender {
  /** Delivers one mail; rejects with the SMTP error (its deadlines included). */
  send(mail: { to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

export interface OutboxOptions {
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How long a claimed mail is reserved for one worker: longer than the longest send (the SMTP deadlines). */
  leaseMs: number;
  /** The longest the worker sleeps with nothing due (it also wakes on every enqueue in this process). */
  idlePollMs?: number;
}

export interface Outbox {
  /** Stores a mail for delivery. Resolves once it is in the table; sending happens later. */
  enqueue(to: string, mail: RenderedMail): Promise<void>;
  /** Starts the worker (and delivers what an earlier process left behind). */
  start(): void;
  /** Stops the worker, letting a send in progress finish. */
  close(): Promise<void>;
}

interface Row {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
}

const BATCH = 10;
/** How long close() waits for a send in progress; a mail cut off is sent again once its lease expires. */
const CLOSE_WAIT_MS = 5_000;

/** The delay before retry number `attempt` (1-based): base·2^(attempt-1), capped, with ±20% jitter. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(1, Math.round(exponential * (0.8 + 0.4 * random())));
}

/** An SMTP error as a short line: its code and response code, never the message body it may quote. */
function describe(error: unknown): string {
  if (typeof error !== "object" || error === null) return "unknown error";
  const { name, code, responseCode } = error as { name?: unknown; code?: unknown; responseCode?: unknown };
  const parts = [name, code, responseCode].filter((part) => typeof part === "string" || typeof part === "number").map(String);
  return parts.length > 0 ? parts.join(" ") : "unknown error";
}

export function createOutbox(pool: pg.Pool, sender: MailSender, logger: Logger, options: OutboxOptions): Outbox {
  const idlePollMs = options.idlePollMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let databaseDown = false;

  async function claim(): Promise<Row[]> {
    const { rows } = await pool.query<Row>(
      `UPDATE mail_outbox SET "lockedUntil" = now() + make_interval(secs => $2::double precision / 1000), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM mail_outbox
         WHERE "nextAttemptAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
         ORDER BY "nextAttemptAt" LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, recipient, subject, text, html, attempts`,
      [BATCH, options.leaseMs],
    );
    return rows;
  }

  async function deliver(row: Row): Promise<void> {
    try {
      await sender.send({ to: row.recipient, subject: row.subject, text: row.text, html: row.html });
      await pool.query(`DELETE FROM mail_outbox WHERE id = $1`, [row.id]);
      logger.info({ mailId: row.id, kind: row.kind, attempts: row.attempts }, "mail sent");
    } catch (error: unknown) {
      const reason = describe(error);
      if (row.attempts >= options.maxAttempts) {
        await pool.query(`DELETE FROM mail_outbox WHERE id = $1`, [row.id]);
        logger.error({ mailId: row.id, kind: row.kind, attempts: row.attempts, reason }, "gave up on a mail: the SMTP server did not take it");
        return;
      }
      const delay = retryDelayMs(row.attempts, options.retryBaseDelayMs, options.retryMaxDelayMs);
      await pool.query(
        `UPDATE mail_outbox SET "lockedUntil" = NULL, "lastError" = $2, "nextAttemptAt" = now() + make_interval(secs => $3::double precision / 1000) WHERE id = $1`,
        [row.id, reason, delay],
      );
      logger.warn({ mailId: row.id, kind: row.kind, attempts: row.attempts, reason, retryInMs: delay }, "a mail could not be sent; it will be retried");
    }
  }

  /** Milliseconds until the next mail is due (or a lease expires), at most idlePollMs. */
  async function nextDueInMs(): Promise<number> {
    const { rows } = await pool.query<{ due: number | null }>(
      `SELECT EXTRACT(EPOCH FROM (min(GREATEST("nextAttemptAt", COALESCE("lockedUntil", "nextAttemptAt"))) - now())) * 1000 AS due FROM mail_outbox`,
    );
    const due = rows[0]?.due;
    return due === null || due === undefined ? idlePollMs : Math.min(idlePollMs, Math.max(0, Math.ceil(Number(due))));
  }

  /** Gives back mails claimed but not attempted (the worker is stopping): due again at once, for any instance. */
  async function release(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await pool.query(`UPDATE mail_outbox SET "lockedUntil" = NULL, attempts = attempts - 1 WHERE id = ANY($1::text[])`, [rows.map((row) => row.id)]);
  }

  async function pass(): Promise<number> {
    for (;;) {
      const rows = await claim();
      // One at a time: a mail's deadlines bound each send, and order is kept.
      for (const [index, row] of rows.entries()) {
        if (stopped) {
          await release(rows.slice(index));
          return idlePollMs;
        }
        await deliver(row);
      }
      if (rows.length < BATCH || stopped) break;
    }
    return nextDueInMs();
  }

  // Bound to the context the outbox was created in, not to the request that
  // enqueued a mail: the worker's database failures are not that request's.
  const wake = AsyncResource.bind(() => run());

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(wake, ms);
    timer.unref();
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .then(
        (wait) => {
          if (databaseDown) logger.info("the mail outbox can reach the database again");
          databaseDown = false;
          return wait;
        },
        (error: unknown) => {
          if (!databaseDown) logger.warn({ err: error }, "the mail outbox could not read the database; it tries again shortly");
          databaseDown = true;
          return Math.min(idlePollMs, 5_000);
        },
      )
      .then((wait) => {
        running = undefined;
        if (again) {
          again = false;
          schedule(0);
        } else schedule(wait);
      });
  }

  return {
    async enqueue(to, mail) {
      await pool.query(`INSERT INTO mail_outbox (id, kind, recipient, subject, text, html) VALUES ($1, $2, $3, $4, $5, $6)`, [
        randomUUID(),
        mail.kind,
        to,
        mail.subject,
        mail.text,
        mail.html,
      ]);
      // Sent from here, after the answer: the timer runs outside the request.
      schedule(0);
    },
    start() {
      stopped = false;
      schedule(0);
    },
    async close() {
      stopped = true;
      clearTimeout(timer);
      // A send in progress may take up to the SMTP deadlines; shutdown does not wait that long.
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (waited = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(waited);
      sender.close();
    },
  };
}
