import type { Executor } from './db.js';
import type { Branding } from './email-templates.js';

/** Defaults for tenants without settings (from config). */
export interface BrandingDefaults {
  productName: string;
  appUrl: string;
  supportUrl: string;
}

/** A tenant's branding: its own settings over the defaults. */
export async function brandingOf(
  db: Executor,
  tenantId: string,
  defaults: BrandingDefaults,
): Promise<Branding> {
  const row = await db
    .selectFrom('tenant_settings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return {
    productName: row?.product_name ?? defaults.productName,
    appUrl: row?.app_url ?? defaults.appUrl,
    supportUrl: row?.support_url ?? defaults.supportUrl,
  };
}

/** Creates or replaces a tenant's settings (null fields fall back to the defaults). */
export async function upsertSettings(
  db: Executor,
  tenantId: string,
  settings: { productName: string | null; appUrl: string | null; supportUrl: string | null },
): Promise<void> {
  const values = {
    product_name: settings.productName,
    app_url: settings.appUrl,
    support_url: settings.supportUrl,
  };
  await db
    .insertInto('tenant_settings')
    .values({ tenant_id: tenantId, ...values })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

/**
 * The branding of Appgov's own mail (finding 5): always the operator's product name and links. A
 * tenant's settings would put a name and links of its choosing into mail sent from Appgov's
 * address to recipients it added, a ready phishing relay; they stay in the settings API only.
 */
export function mailBranding(defaults: BrandingDefaults): Branding {
  return { productName: defaults.productName, appUrl: defaults.appUrl, supportUrl: defaults.supportUrl };
}
