import type { NotificationDb } from '../domain/db.js';
import type { BrandingDefaults } from '../domain/settings.repository.js';
import type { TenantQuotas } from '../domain/tenant-quotas.js';
import type { WebhookSecrets } from '../domain/webhook-secrets.js';

/** What the HTTP routes need; the service (or a test) builds and owns each of them. */
export interface RouteDeps {
  db: NotificationDb;
  branding: BrandingDefaults;
  /** TEST-ONLY allowance for http:// and internal webhook targets. */
  allowPrivateTargets: boolean;
  /** Where webhook signing secrets live (Vault). */
  webhookSecrets: WebhookSecrets;
  /** Per-tenant quotas (default: DEFAULT_TENANT_QUOTAS). */
  quotas?: Partial<TenantQuotas>;
  /** Wakes the webhook dispatcher (after a webhook is re-enabled). */
  pokeWebhooks?: () => void;
}
