// Mail configuration: the SMTP server, the sender, its deadlines and retries,
// and the email-verification and password-reset settings that depend on it.
// Read by config.ts with the rest of the auth-service's configuration.
import { flag, integer } from "@authbridge/service-kit";
import { z } from "zod";

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (smtps://, usually port 465). */
  secure: boolean;
  /** Refuse to send unless the server upgrades the connection with STARTTLS. */
  requireTls: boolean;
  auth: { user: string; pass: string } | undefined;
  /** Deadlines, in milliseconds: TCP connection, the server's greeting, and any silence on the socket. */
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
}

export interface MailSettings {
  /** Unset: no SMTP server, so nothing is mailed (verification and reset are off). */
  smtp: SmtpSettings | undefined;
  from: string;
  /** Attempts per mail before it is given up on (logged, without its link). */
  maxAttempts: number;
  /** The first retry waits this long; each further one twice as long, up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Sign-in refuses accounts whose address is not verified (403 EMAIL_NOT_VERIFIED). */
  requireEmailVerification: boolean;
  verificationExpiresInSeconds: number;
  resetPasswordExpiresInSeconds: number;
  /** Requests that send mail (reset, resend, sign-up): per email address and per client address, per window. */
  rateLimit: { windowSeconds: number; perAddress: number; perClient: number };
}

export const mailEnvShape = {
  SMTP_URL: z.string().optional(),
  SMTP_HOST: z.string().optional(),
  SMTP_PORT: integer("SMTP_PORT", 1, 65_535, 0),
  SMTP_SECURE: flag("SMTP_SECURE"),
  SMTP_REQUIRE_TLS: flag("SMTP_REQUIRE_TLS"),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  SMTP_CONNECTION_TIMEOUT_MS: integer("SMTP_CONNECTION_TIMEOUT_MS", 100, 120_000, 10_000),
  SMTP_GREETING_TIMEOUT_MS: integer("SMTP_GREETING_TIMEOUT_MS", 100, 120_000, 10_000),
  SMTP_SOCKET_TIMEOUT_MS: integer("SMTP_SOCKET_TIMEOUT_MS", 100, 300_000, 30_000),
  MAIL_FROM: z.string().optional(),
  MAIL_MAX_ATTEMPTS: integer("MAIL_MAX_ATTEMPTS", 1, 100, 12),
  MAIL_RETRY_BASE_DELAY_MS: integer("MAIL_RETRY_BASE_DELAY_MS", 10, 3_600_000, 5_000),
  MAIL_RETRY_MAX_DELAY_MS: integer("MAIL_RETRY_MAX_DELAY_MS", 10, 86_400_000, 900_000),
  MAIL_RATE_LIMIT_WINDOW_SECONDS: integer("MAIL_RATE_LIMIT_WINDOW_SECONDS", 1, 86_400, 900),
  MAIL_RATE_LIMIT_PER_ADDRESS: integer("MAIL_RATE_LIMIT_PER_ADDRESS", 1, 10_000, 3),
  MAIL_RATE_LIMIT_PER_CLIENT: integer("MAIL_RATE_LIMIT_PER_CLIENT", 1, 100_000, 10),
  REQUIRE_EMAIL_VERIFICATION: flag("REQUIRE_EMAIL_VERIFICATION"),
  EMAIL_VERIFICATION_EXPIRES_SECONDS: integer("EMAIL_VERIFICATION_EXPIRES_SECONDS", 60, 7 * 86_400, 86_400),
  RESET_PASSWORD_EXPIRES_SECONDS: integer("RESET_PASSWORD_EXPIRES_SECONDS", 60, 86_400, 3_600),
};

type MailEnv = z.output<z.ZodObject<typeof mailEnvShape>> & { NODE_ENV?: string | undefined };

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1", "[::1]"];

/** A bare address, or a display name with the address in angle brackets. */
const MAIL_FROM_PATTERN = /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/**
 * The mail settings, or the full-sentence problems that stop the start.
 * Cross-field rules live here: one way to name the server, a password with a
 * user, a sender whenever there is a server, and no required verification
 * without a way to send it.
 */
export function mailSettings(e: MailEnv): { settings: MailSettings; problems: string[] } {
  const problems: string[] = [];
  let smtp: SmtpSettings | undefined;
  const url = e.SMTP_URL?.trim() || undefined;
  const host = e.SMTP_HOST?.trim() || undefined;
  if (url && host) problems.push("SMTP_URL and SMTP_HOST are both set: name the SMTP server one way only.");
  if (Boolean(e.SMTP_USER) !== Boolean(e.SMTP_PASSWORD)) problems.push("SMTP_USER and SMTP_PASSWORD must be set together, or neither.");
  if (url) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || !/^smtps?:$/.test(parsed.protocol) || !parsed.hostname) {
      problems.push("SMTP_URL must be an smtp:// or smtps:// URL, for example smtps://user:password@smtp.example.com:465.");
    } else {
      const secure = parsed.protocol === "smtps:";
      const user = decodeURIComponent(parsed.username) || e.SMTP_USER;
      const pass = decodeURIComponent(parsed.password) || e.SMTP_PASSWORD;
      smtp = {
        host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
        secure,
        requireTls: e.SMTP_REQUIRE_TLS,
        auth: user && pass ? { user, pass } : undefined,
        connectionTimeoutMs: e.SMTP_CONNECTION_TIMEOUT_MS,
        greetingTimeoutMs: e.SMTP_GREETING_TIMEOUT_MS,
        socketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS,
      };
    }
  } else if (host) {
    smtp = {
      host,
      port: e.SMTP_PORT || (e.SMTP_SECURE ? 465 : 587),
      secure: e.SMTP_SECURE,
      requireTls: e.SMTP_REQUIRE_TLS,
      auth: e.SMTP_USER && e.SMTP_PASSWORD ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD } : undefined,
      connectionTimeoutMs: e.SMTP_CONNECTION_TIMEOUT_MS,
      greetingTimeoutMs: e.SMTP_GREETING_TIMEOUT_MS,
      socketTimeoutMs: e.SMTP_SOCKET_TIMEOUT_MS,
    };
  } else if (e.SMTP_PORT || e.SMTP_SECURE || e.SMTP_USER) {
    problems.push("SMTP_PORT, SMTP_SECURE and SMTP_USER need SMTP_HOST: name the SMTP server.");
  }
  if (smtp && smtp.secure && smtp.requireTls) {
    problems.push("SMTP_REQUIRE_TLS asks for STARTTLS, which an smtps:// (SMTP_SECURE=true) connection never uses: it is TLS from the start. Set one of them.");
  }
  const from = e.MAIL_FROM?.trim() ?? "";
  if (smtp && !from) problems.push('MAIL_FROM is required with an SMTP server: the sender of every mail, for example "authbridge <no-reply@example.com>".');
  if (from && !MAIL_FROM_PATTERN.test(from)) problems.push('MAIL_FROM must be an address or "Name <address>", on one line.');
  if (e.REQUIRE_EMAIL_VERIFICATION && !smtp) {
    problems.push("REQUIRE_EMAIL_VERIFICATION=true needs an SMTP server (SMTP_URL or SMTP_HOST): nobody could ever verify an address, so nobody could sign in.");
  }
  if (smtp && e.NODE_ENV === "production" && !smtp.secure && !smtp.requireTls && !LOCAL_HOSTS.includes(smtp.host) && smtp.auth) {
    problems.push(
      "In production, an SMTP server with a password needs TLS: use smtps:// (SMTP_SECURE=true) or SMTP_REQUIRE_TLS=true, or the password and every reset link could cross the network in clear text.",
    );
  }
  if (e.MAIL_RETRY_MAX_DELAY_MS < e.MAIL_RETRY_BASE_DELAY_MS) problems.push("MAIL_RETRY_MAX_DELAY_MS must be at least MAIL_RETRY_BASE_DELAY_MS.");
  return {
    problems,
    settings: {
      smtp,
      from,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseDelayMs: e.MAIL_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: e.MAIL_RETRY_MAX_DELAY_MS,
      requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
      verificationExpiresInSeconds: e.EMAIL_VERIFICATION_EXPIRES_SECONDS,
      resetPasswordExpiresInSeconds: e.RESET_PASSWORD_EXPIRES_SECONDS,
      rateLimit: { windowSeconds: e.MAIL_RATE_LIMIT_WINDOW_SECONDS, perAddress: e.MAIL_RATE_LIMIT_PER_ADDRESS, perClient: e.MAIL_RATE_LIMIT_PER_CLIENT },
    },
  };
}
