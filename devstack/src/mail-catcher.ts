// A mail catcher for the local stack and the tests: a real SMTP server
// (smtp-server) that keeps every mail it receives in memory, parsed
// (mailparser), and a small web inbox over HTTP to read them. It listens on
// 127.0.0.1 only: the mails carry live verification and reset links.
//
//   GET /                    the inbox (HTML), newest first
//   GET /messages/:id        one mail: its text, links clickable
//   GET /messages/:id/html   its HTML part, sandboxed (no scripts, no requests)
//   GET /api/messages        every mail as JSON: { id, from, to, subject, text, html, date }
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface CaughtMail {
  id: number;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: string;
}

export interface MailCatcher {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  smtpUrl: string;
  smtpPort: number;
  /** The web inbox. */
  inboxUrl: string;
  /** Every mail received so far, oldest first. */
  readonly mails: readonly CaughtMail[];
  /** Resolves with the first mail (already received or yet to come) that matches. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  /** Stops accepting mail (the port closes, as if the server were down) until `resume`. */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface MailCatcherOptions {
  host?: string;
  /** 0: an ephemeral port. */
  smtpPort?: number;
  httpPort?: number;
  /** Hears each mail as it arrives (the stack prints a line). */
  onMail?: (mail: CaughtMail) => void;
}

const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** Text with its http(s) links made clickable; everything else escaped. */
function linkify(text: string): string {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/g)
    .map((part, index) => (index % 2 === 1 ? `<a href="${escapeHtml(part)}">${escapeHtml(part)}</a>` : escapeHtml(part)))
    .join("");
}

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:880px;margin:24px auto;padding:0 16px;color:#1f2328}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #d0d7de}
pre{white-space:pre-wrap;background:#f6f8fa;padding:12px;border-radius:6px}a{color:#0b57d0}</style></head>
<body>${body}</body></html>`;
}

export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? "127.0.0.1";
  const mails: CaughtMail[] = [];
  const waiters = new Set<{ match: (mail: CaughtMail) => boolean; resolve: (mail: CaughtMail) => void }>();
  let nextId = 1;

  const receive = (mail: CaughtMail) => {
    mails.push(mail);
    options.onMail?.(mail);
    for (const waiter of waiters) {
      if (waiter.match(mail)) {
        waiters.delete(waiter);
        waiter.resolve(mail);
      }
    }
  };

  const newSmtpServer = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // Any user and password is accepted: the stack's services may be configured with some.
      onAuth: (_auth, _session, callback) => callback(null, { user: "local" }),
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            receive({
              id: nextId++,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              date: new Date().toISOString(),
            });
            callback();
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });

  const listenSmtp = (server: SMTPServer, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  const closeSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(() => resolve()));

  let smtp: SMTPServer | undefined = newSmtpServer();
  const smtpPort = await listenSmtp(smtp, options.smtpPort ?? 0);

  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://inbox");
    const send = (status: number, type: string, body: string, csp = PAGE_CSP) => {
      res.writeHead(status, { "content-type": type, "content-security-policy": csp, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      res.end(body);
    };
    if (req.method !== "GET") return send(405, "text/plain; charset=utf-8", "Method not allowed");
    if (url.pathname === "/api/messages") return send(200, "application/json", JSON.stringify(mails));
    if (url.pathname === "/") {
      const rows = [...mails]
        .reverse()
        .map((mail) => `<tr><td>${escapeHtml(mail.date.slice(11, 19))}</td><td>${escapeHtml(mail.to.join(", "))}</td><td><a href="/messages/${mail.id}">${escapeHtml(mail.subject || "(no subject)")}</a></td></tr>`)
        .join("");
      return send(
        200,
        "text/html; charset=utf-8",
        page(
          "Local inbox",
          `<h1>Local inbox</h1><p>Every mail the local auth-service sends lands here (${mails.length} so far; reload to see new ones). Nothing leaves this machine.</p>
<table><thead><tr><th>time (UTC)</th><th>to</th><th>subject</th></tr></thead><tbody>${rows || '<tr><td colspan="3">No mail yet.</td></tr>'}</tbody></table>`,
        ),
      );
    }
    const match = /^\/messages\/(\d+)(\/html)?$/.exec(url.pathname);
    const mail = match ? mails.find((candidate) => candidate.id === Number(match[1])) : undefined;
    if (!match || !mail) return send(404, "text/plain; charset=utf-8", "No such mail");
    if (match[2]) return send(200, "text/html; charset=utf-8", mail.html, "sandbox allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'");
    return send(
      200,
      "text/html; charset=utf-8",
      page(
        mail.subject,
        `<p><a href="/">&larr; inbox</a></p><h1>${escapeHtml(mail.subject)}</h1>
<p>From ${escapeHtml(mail.from)} to ${escapeHtml(mail.to.join(", "))}, ${escapeHtml(mail.date)}${mail.html ? ` &middot; <a href="/messages/${mail.id}/html">HTML version</a>` : ""}</p>
<pre>${linkify(mail.text)}</pre>`,
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.httpPort ?? 0, host, () => resolve());
  });
  const inboxPort = (http.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    smtpPort,
    inboxUrl: `http://${host === "127.0.0.1" ? "localhost" : host}:${inboxPort}`,
    get mails() {
      return mails;
    },
    waitFor(match, timeoutMs = 20_000) {
      const found = mails.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<CaughtMail>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (mail: CaughtMail) => {
            clearTimeout(timer);
            resolve(mail);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching mail arrived within ${timeoutMs} ms (${mails.length} received).`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async suspend() {
      if (!smtp) return;
      const closing = smtp;
      smtp = undefined;
      await closeSmtp(closing);
    },
    async resume() {
      if (smtp) return;
      smtp = newSmtpServer();
      await listenSmtp(smtp, smtpPort);
    },
    async stop() {
      if (smtp) await closeSmtp(smtp);
      smtp = undefined;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      for (const waiter of waiters) waiters.delete(waiter);
    },
  };
}
