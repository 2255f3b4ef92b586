import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { AppError, backoffDelayMs, errorMessage, isRetryable } from '@appgov/errors';
import type { Clock } from '@appgov/service';
import { type AppLogger, redactSecrets } from '@appgov/telemetry';
import type { NotificationDb } from './db.js';
import { enqueueEmail } from './email-queue.repository.js';
import { renderWebhookDisabled } from './email-templates.js';
import type { NotificationMetrics } from './notification.metrics.js';
import { PollLoop } from './poll-loop.js';
import { type BrandingDefaults, mailBranding } from './settings.repository.js';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  recordAttempt,
  releaseDelivery,
} from './webhook.repository.js';
import type { WebhookSecrets } from './webhook-secrets.js';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.js';
import { isBlockedAddress } from './webhook-target.js';

/** Options of {@link WebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  db: NotificationDb;
  clock: Clock;
  logger: AppLogger;
  metrics: NotificationMetrics;
  /** TEST-ONLY allowance: internal targets and http:// are accepted. */
  allowPrivateTargets: boolean;
  timeoutMs: number;
  maxAttempts: number;
  disableAfter: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollIntervalMs: number;
  leaseMs: number;
  branding: BrandingDefaults;
  /** The signing secrets (Vault). */
  secrets: WebhookSecrets;
  batchSize?: number;
}

/** The outcome of one HTTP attempt. */
interface AttemptResult {
  statusCode: number | null;
  error: string | null;
  retryAfterMs: number | null;
  /** The target resolved to a forbidden address (or the secret is gone): never retried. */
  forbidden: boolean;
}

class ForbiddenTargetError extends Error {}

/**
 * Resolves like dns.lookup, then refuses internal addresses: the check happens on the address the
 * socket will really connect to, so a DNS answer that changed since creation cannot reach inside.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4);
    const list = addresses as unknown as LookupAddress[];
    const bad = list.find((a) => isBlockedAddress(a.address));
    if (bad || list.length === 0) {
      return callback(new ForbiddenTargetError('target resolves to a forbidden address'), '', 4);
    }
    if ((options as { all?: boolean }).all) return (callback as any)(null, list);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};

function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  allowPrivate: boolean,
): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const isHttps = url.protocol === 'https:';
    if (!isHttps && !allowPrivate) {
      resolve({ statusCode: null, error: 'https is required', retryAfterMs: null, forbidden: true });
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An IP literal never goes through `lookup`, so it is checked here.
    if (!allowPrivate && isIP(host) !== 0 && isBlockedAddress(host)) {
      resolve({
        statusCode: null,
        error: 'target is a forbidden address',
        retryAfterMs: null,
        forbidden: true,
      });
      return;
    }
    // Finding 3: one total deadline for the whole exchange. The socket's idle timeout alone never
    // fired for a receiver that drips a byte every few seconds.
    const deadline = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const request = (isHttps ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        timeout: timeoutMs,
        ...(allowPrivate ? {} : { lookup: guardedLookup }),
        agent: false,
      },
      (response) => {
        clearTimeout(deadline);
        // Only the status matters: the body is never read, the connection is closed at once.
        response.destroy();
        const retryAfter = Number(response.headers['retry-after']);
        resolve({
          statusCode: response.statusCode ?? null,
          error: null,
          retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : null,
          forbidden: false,
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('close', () => clearTimeout(deadline));
    request.on('error', (error) => {
      clearTimeout(deadline);
      resolve({
        statusCode: null,
        error: redactSecrets(errorMessage(error)),
        retryAfterMs: null,
        forbidden: error instanceof ForbiddenTargetError,
      });
    });
    request.end(body);
  });
}

const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Sends queued webhook deliveries, signed per attempt. 2xx delivers; 5xx, 408, 429, timeouts and
 * network errors retry with exponential backoff (429 honours Retry-After) up to `maxAttempts`; any
 * other answer fails at once. A webhook whose deliveries fail `disableAfter` times in a row is
 * disabled and its creator emailed.
 */
export class WebhookDispatcher {
  readonly #o: WebhookDispatcherOptions;
  readonly #loop: PollLoop;
  /** Attempts in flight: sendDue never waits for them, so one slow receiver holds no one else. */
  readonly #inFlight = new Set<Promise<void>>();
  /** Attempts in flight per tenant: a tenant's share of the slots is bounded. */
  readonly #perTenant = new Map<string, number>();

  constructor(options: WebhookDispatcherOptions) {
    // Finding 3: a lease that outlives the deadline of an attempt means no other replica re-sends a
    // delivery that is still being sent.
    const leaseMs = Math.max(options.leaseMs, 2 * options.timeoutMs + 5000);
    this.#o = { ...options, leaseMs };
    this.#loop = new PollLoop('webhook', () => this.sendDue(), options.pollIntervalMs, options.logger);
  }

  start(): void {
    this.#loop.start();
  }

  poke(): void {
    this.#loop.poke();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.settled();
  }

  /** Resolves once every attempt started so far has been recorded. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Claims due deliveries up to the free slots and starts them without waiting: each finishes on
   * its own (bounded by the total deadline) and frees its slot, so the next round claims more.
   */
  async sendDue(): Promise<number> {
    const batch = this.#o.batchSize ?? 20;
    const free = batch * 2 - this.#inFlight.size;
    if (free <= 0) return 0;
    // One tenant holds at most half the slots: its slow receivers leave the rest to the others.
    const share = Math.max(1, batch);
    const saturatedTenants = [...this.#perTenant].filter(([, n]) => n >= share).map(([tenant]) => tenant);
    const now = this.#o.clock.now();
    const claimed = await claimDueDeliveries(
      this.#o.db,
      now,
      new Date(now.getTime() + this.#o.leaseMs),
      Math.min(free, batch),
      { perTenant: Math.max(1, Math.floor(batch / 2)), saturatedTenants },
    );
    for (const d of claimed) {
      this.#perTenant.set(d.tenantId, (this.#perTenant.get(d.tenantId) ?? 0) + 1);
      const attempt: Promise<void> = this.#deliver(d)
        .catch((error: unknown) =>
          this.#o.logger.warn({ err: error, deliveryId: d.id }, 'webhook attempt could not be recorded'),
        )
        .finally(() => {
          this.#inFlight.delete(attempt);
          const left = (this.#perTenant.get(d.tenantId) ?? 1) - 1;
          if (left > 0) this.#perTenant.set(d.tenantId, left);
          else this.#perTenant.delete(d.tenantId);
          this.#loop.poke();
        });
      this.#inFlight.add(attempt);
    }
    return claimed.length;
  }

  /** The delivery's signing secret; null when it was postponed because Vault is unavailable. */
  async #secretOf(d: ClaimedDelivery): Promise<{ secret: string } | { missing: string } | null> {
    if (d.legacySecret !== null) return { secret: d.legacySecret };
    try {
      return { secret: await this.#o.secrets.signingSecret(d.tenantId, d.webhookId) };
    } catch (error) {
      if (!isRetryable(error)) {
        return {
          missing: `signing secret unavailable (${error instanceof AppError ? error.code : 'error'})`,
        };
      }
      // Vault is down: nothing was attempted, so neither the delivery nor the webhook is charged.
      await releaseDelivery(this.#o.db, d.id, new Date(this.#o.clock.now().getTime() + this.#o.retryBaseMs));
      this.#o.logger.warn(
        { deliveryId: d.id, webhookId: d.webhookId, err: error },
        'webhook signing secret unavailable; delivery postponed',
      );
      return null;
    }
  }

  async #deliver(d: ClaimedDelivery): Promise<void> {
    const { clock, logger, metrics } = this.#o;
    const signing = await this.#secretOf(d);
    if (signing === null) return;
    const at = clock.now();
    const timestamp = Math.floor(at.getTime() / 1000);
    const started = performance.now();
    // Without its secret a delivery cannot be signed: it fails at once and is not retried.
    const result: AttemptResult =
      'missing' in signing
        ? { statusCode: null, error: signing.missing, retryAfterMs: null, forbidden: true }
        : await post(
            new URL(d.url),
            d.body,
            {
              'content-type': 'application/json',
              'user-agent': 'Appgov-Webhooks/1',
              [SIGNATURE_HEADER]: signatureHeader(signing.secret, timestamp, d.body),
              'appgov-event-id': d.eventId,
              'appgov-event-type': d.eventType,
              'appgov-delivery-id': d.id,
              'appgov-delivery-attempt': String(d.attempts),
            },
            this.#o.timeoutMs,
            this.#o.allowPrivateTargets,
          );
    const latencyMs = Math.round(performance.now() - started);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retry =
      !ok &&
      !result.forbidden &&
      d.attempts < this.#o.maxAttempts &&
      (result.statusCode === null || retryableStatus(result.statusCode));
    const status = ok ? 'delivered' : retry ? 'pending' : 'failed';
    metrics.webhookDuration.observe({ outcome: status }, latencyMs / 1000);
    let nextAttemptAt: Date | null = null;
    if (retry) {
      const backoff = backoffDelayMs(d.attempts, {
        baseMs: this.#o.retryBaseMs,
        maxMs: this.#o.retryMaxMs,
        jitter: 'equal',
      });
      const wait = Math.min(Math.max(backoff, result.retryAfterMs ?? 0), this.#o.retryMaxMs);
      nextAttemptAt = new Date(clock.now().getTime() + wait);
    }
    const error = ok ? null : (result.error ?? `HTTP ${result.statusCode}`);
    await this.#o.db.transaction().execute(async (trx) => {
      await recordAttempt(trx, {
        deliveryId: d.id,
        attempt: d.attempts,
        at,
        statusCode: result.statusCode,
        error,
        latencyMs,
        status,
        nextAttemptAt,
      });
      if (ok) {
        await trx
          .updateTable('webhooks')
          .set({ consecutive_failures: 0 })
          .where('id', '=', d.webhookId)
          .execute();
      } else if (status === 'failed') {
        const hook = await trx
          .updateTable('webhooks')
          .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
          .where('id', '=', d.webhookId)
          .returning(['consecutive_failures', 'enabled', 'url', 'created_by_email', 'tenant_id'])
          .executeTakeFirst();
        if (hook?.enabled && hook.consecutive_failures >= this.#o.disableAfter) {
          await trx
            .updateTable('webhooks')
            .set({
              enabled: false,
              disabled_reason: `${hook.consecutive_failures} consecutive failed deliveries`,
              updated_at: at,
            })
            .where('id', '=', d.webhookId)
            .execute();
          const branding = mailBranding(this.#o.branding);
          await enqueueEmail(trx, {
            tenantId: hook.tenant_id,
            dedupeKey: `webhook-disabled:${d.webhookId}:${d.id}`,
            kind: 'webhook_disabled',
            to: hook.created_by_email ? [hook.created_by_email] : [],
            email: renderWebhookDisabled(branding, {
              webhookId: d.webhookId,
              url: hook.url,
              failures: hook.consecutive_failures,
            }),
            now: at,
          });
          logger.warn(
            { webhookId: d.webhookId, tenantId: hook.tenant_id },
            'webhook disabled after repeated failures',
          );
        }
      }
    });
    if (ok) metrics.sent.inc({ channel: 'webhook' });
    else metrics.failed.inc({ channel: 'webhook' });
    logger.info(
      {
        deliveryId: d.id,
        webhookId: d.webhookId,
        tenantId: d.tenantId,
        attempt: d.attempts,
        statusCode: result.statusCode,
        latencyMs,
        outcome: status,
        ...(error ? { error } : {}),
      },
      'webhook attempt',
    );
  }
}
