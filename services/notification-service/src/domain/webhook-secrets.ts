import { createHash } from 'node:crypto';
import type { WebhookSecretStore } from '@appgov/secrets';
import type { AppLogger } from '@appgov/telemetry';
import type { NotificationDb } from './db.js';

/** What Postgres keeps of a signing secret: the first 16 hex of its SHA-256. */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/** Options of {@link WebhookSecrets}. */
export interface WebhookSecretsOptions {
  /** How long a secret read from Vault is reused for signing (0: read at every attempt). */
  cacheMs: number;
  /** Most secrets kept in memory at once (default 10 000). */
  maxCached?: number;
  now?: () => number;
}

/**
 * Webhook signing secrets (N3): kept in Vault KV v2 through `@appgov/secrets`, never in Postgres.
 * Signing reads them through a short cache so that a burst of deliveries costs one Vault read;
 * concurrent misses share one read.
 */
export class WebhookSecrets {
  readonly #store: WebhookSecretStore;
  readonly #cacheMs: number;
  readonly #maxCached: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { secret: Promise<string>; until: number }>();

  constructor(store: WebhookSecretStore, options: WebhookSecretsOptions) {
    this.#store = store;
    this.#cacheMs = options.cacheMs;
    this.#maxCached = options.maxCached ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Writes the webhook's secret to Vault (a new KV version). */
  async store(tenantId: string, webhookId: string, secret: string): Promise<void> {
    await this.#store.putWebhookSecret(tenantId, webhookId, secret);
    this.#cache.delete(webhookId);
  }

  /** The secret to sign a delivery with (Vault errors propagate: `VAULT_UNAVAILABLE` is retryable). */
  signingSecret(tenantId: string, webhookId: string): Promise<string> {
    const now = this.#now();
    const hit = this.#cache.get(webhookId);
    if (hit && hit.until > now) return hit.secret;
    const secret = this.#store.getWebhookSecret(tenantId, webhookId);
    if (this.#cacheMs > 0) {
      if (this.#cache.size >= this.#maxCached) this.#evict(now);
      const entry = { secret, until: now + this.#cacheMs };
      this.#cache.set(webhookId, entry);
      // A failed read is not remembered.
      secret.catch(() => {
        if (this.#cache.get(webhookId) === entry) this.#cache.delete(webhookId);
      });
    }
    return secret;
  }

  /** Destroys every version of the webhook's secret in Vault and forgets the cached copy. */
  async destroy(tenantId: string, webhookId: string): Promise<void> {
    this.#cache.delete(webhookId);
    await this.#store.destroyWebhookSecret(tenantId, webhookId);
  }

  #evict(now: number): void {
    for (const [id, entry] of this.#cache) if (entry.until <= now) this.#cache.delete(id);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    for (const id of this.#cache.keys()) {
      if (this.#cache.size < this.#maxCached) break;
      this.#cache.delete(id);
    }
  }
}

/**
 * Moves plain-text secrets of rows written before secrets lived in Vault (or by a replica still
 * running the old code during a rollout) into Vault, then clears the column and records the
 * fingerprint. Idempotent and safe on several replicas at once: a row is cleared only if it still
 * holds the secret that was stored. A row that fails is logged (never its secret) and left for the
 * next run; until then deliveries are signed with the column's value. Returns how many moved.
 */
export async function moveLegacyWebhookSecrets(
  db: NotificationDb,
  secrets: WebhookSecrets,
  logger: AppLogger,
  batchSize = 100,
): Promise<number> {
  let moved = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('webhooks')
      .select(['id', 'tenant_id', 'secret'])
      .where('secret', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const secret = row.secret as string;
      try {
        await secrets.store(row.tenant_id, row.id, secret);
        const updated = await db
          .updateTable('webhooks')
          .set({ secret: null, secret_fingerprint: secretFingerprint(secret) })
          .where('id', '=', row.id)
          .where('secret', '=', secret)
          .executeTakeFirst();
        moved += Number(updated.numUpdatedRows);
      } catch (error) {
        logger.warn(
          { webhookId: row.id, tenantId: row.tenant_id, err: error },
          'could not move a webhook secret to Vault; will retry',
        );
      }
    }
    after = rows[rows.length - 1]!.id;
  }
  if (moved > 0) logger.info({ moved }, 'moved plain-text webhook secrets to Vault');
  return moved;
}
