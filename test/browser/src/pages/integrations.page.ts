import type { Locator, Page } from 'playwright-core';
import { gone, see } from '../browser.js';

/** The Integrations window: the Okta row, Add, and each domain's expandable row. */
export class IntegrationsPage {
  constructor(readonly page: Page) {}

  heading() {
    return this.page.getByRole('heading', { level: 1, name: 'Integrations' });
  }
  addButton() {
    return this.page.getByRole('button', { name: 'Add Okta domain' });
  }
  notice() {
    return this.page.getByRole('status').filter({ hasText: /\S/ });
  }
  providerRow(): Locator {
    return this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('button', { name: 'Okta', exact: true }) });
  }
  addDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Add Okta' });
  }
  confirmDialog(name: string | RegExp): Locator {
    return this.page.getByRole('alertdialog', { name });
  }
  domainRow(domain: string): Locator {
    return this.page
      .getByRole('listitem')
      .filter({ has: this.page.getByRole('button', { name: domain, exact: true }) });
  }
  domainDetails(domain: string): Locator {
    return this.page.getByRole('region', { name: `${domain} details` });
  }

  async submitConnect(domain: string, apiToken: string): Promise<void> {
    await this.addButton().click();
    const dialog = await see(this.addDialog());
    await dialog.getByLabel('Okta domain').fill(domain);
    await dialog.getByLabel('Okta API token').fill(apiToken);
    await dialog.getByRole('button', { name: 'Connect' }).click();
  }

  async cancelAdd(): Promise<void> {
    await this.addDialog().getByRole('button', { name: 'Cancel' }).click();
    await gone(this.addDialog());
  }

  async expand(domain: string): Promise<Locator> {
    const toggle = this.domainRow(domain).getByRole('button', { name: domain, exact: true });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return see(this.domainDetails(domain));
  }

  async status(domain: string, label: 'In progress' | 'Success' | 'Error', timeout = 180_000): Promise<void> {
    await see(this.domainRow(domain).getByText(label, { exact: true }).first(), timeout);
  }

  /** Pencil → field → check mark; leaves the Confirm window open. */
  async startTokenEdit(domain: string, token: string): Promise<Locator> {
    const details = await this.expand(domain);
    await details.getByRole('button', { name: `Edit token of ${domain}` }).click();
    await details.getByLabel(`New API token for ${domain}`).fill(token);
    await details.getByRole('button', { name: 'Save token' }).click();
    return see(this.confirmDialog('Override the token?'));
  }

  async startDelete(domain: string): Promise<Locator> {
    const details = await this.expand(domain);
    await details.getByRole('button', { name: `Delete ${domain}` }).click();
    return see(this.confirmDialog(`Delete ${domain}?`));
  }
}
