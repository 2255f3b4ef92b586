import { backoffDelayMs, errorMessage } from '@appgov/errors';
import type { Clock } from '@appgov/service';
import { type AppLogger, redactSecrets } from '@appgov/telemetry';
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationDb } from './db.js';
import { claimDueEmails, markEmailFailed, markEmailRetry, markEmailSent } from './email-queue.repository.js';
import type { NotificationMetrics } from './notification.metrics.js';
import { PollLoop } from './poll-loop.js';

/** SMTP settings (SPEC N5). */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  /** STARTTLS required (finding 5). */
  requireTls?: boolean;
  user?: string | undefined;
  password?: string | undefined;
  from: string;
  timeoutMs: number;
}

/** Options of {@link EmailSender}. */
export interface EmailSenderOptions {
  db: NotificationDb;
  smtp: SmtpSettings;
  clock: Clock;
  logger: AppLogger;
  metrics: NotificationMetrics;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  leaseMs: number;
  batchSize?: number;
}

/** Builds the nodemailer transport; the password only ever lives here. */
export function createSmtpTransport(smtp: SmtpSettings): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls ?? false,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    // nodemailer's own logger stays off: it could print the AUTH exchange.
    logger: false,
    debug: false,
  });
}

/** SMTP replies 5xx to a message that will never be accepted (unknown mailbox, policy). */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  return (
    typeof code === 'number' && code >= 500 && code < 600 && (error as { code?: string }).code !== 'EAUTH'
  );
}

/**
 * Delivers `email_queue` rows: each due row is claimed, sent, and marked sent, or rescheduled with
 * exponential backoff. Transient failures (server down, timeouts, 4xx, auth) retry forever, so an
 * SMTP outage delays mail but never loses it; only a permanent 5xx rejection ends a row as failed.
 */
export class EmailSender {
  readonly #options: EmailSenderOptions;
  readonly #transport: Transporter;
  readonly #loop: PollLoop;

  constructor(options: EmailSenderOptions) {
    this.#options = options;
    this.#transport = createSmtpTransport(options.smtp);
    this.#loop = new PollLoop('email', () => this.sendDue(), options.pollIntervalMs, options.logger);
  }

  start(): void {
    this.#loop.start();
  }

  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    this.#transport.close();
  }

  /** Message of an error, with anything credential-like (and the SMTP password itself) masked. */
  #safeError(error: unknown): string {
    let message = redactSecrets(errorMessage(error));
    const password = this.#options.smtp.password;
    if (password) message = message.split(password).join('[REDACTED]');
    return message;
  }

  /** One round: sends every due row it could claim; returns how many it handled. */
  async sendDue(): Promise<number> {
    const { db, clock, logger, metrics } = this.#options;
    const now = clock.now();
    const claimed = await claimDueEmails(
      db,
      now,
      new Date(now.getTime() + this.#options.leaseMs),
      this.#options.batchSize ?? 20,
    );
    for (const email of claimed) {
      try {
        await this.#transport.sendMail({
          from: this.#options.smtp.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          headers: { 'X-Appgov-Notification-Id': email.id },
        });
        await markEmailSent(db, email.id, clock.now());
        metrics.sent.inc({ channel: 'email' });
        logger.info({ emailId: email.id, tenantId: email.tenantId, attempts: email.attempts }, 'email sent');
      } catch (error) {
        metrics.failed.inc({ channel: 'email' });
        const message = this.#safeError(error);
        if (isPermanent(error)) {
          await markEmailFailed(db, email.id, message);
          logger.error(
            { emailId: email.id, tenantId: email.tenantId, error: message },
            'email rejected permanently',
          );
        } else {
          const delay = backoffDelayMs(email.attempts, {
            baseMs: this.#options.retryBaseMs,
            maxMs: this.#options.retryMaxMs,
            jitter: 'equal',
          });
          await markEmailRetry(db, email.id, new Date(clock.now().getTime() + delay), message);
          logger.warn(
            {
              emailId: email.id,
              tenantId: email.tenantId,
              attempts: email.attempts,
              retryInMs: delay,
              error: message,
            },
            'email not sent; will retry',
          );
        }
      }
    }
    return claimed.length;
  }
}
