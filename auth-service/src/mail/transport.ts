// The SMTP side of the outbox: nodemailer with every deadline set (connection,
// greeting, socket and DNS), so a send that hangs ends and is retried later.
import nodemailer from "nodemailer";
import type { MailSender } from "./outbox.js";
import type { SmtpSettings } from "./settings.js";

export function smtpSender(smtp: SmtpSettings, from: string): MailSender {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    ...(smtp.auth ? { auth: smtp.auth } : {}),
    connectionTimeout: smtp.connectionTimeoutMs,
    greetingTimeout: smtp.greetingTimeoutMs,
    socketTimeout: smtp.socketTimeoutMs,
    dnsTimeout: smtp.connectionTimeoutMs,
    // nodemailer's own logger would print addresses and message bodies.
    logger: false,
    debug: false,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}

/** The longest one send may take: every deadline in a row, plus a margin. */
export function sendDeadlineMs(smtp: SmtpSettings): number {
  return smtp.connectionTimeoutMs * 2 + smtp.greetingTimeoutMs + smtp.socketTimeoutMs * 2 + 5_000;
}
