import type { Locator, Page } from 'playwright-core';
import { see } from '../browser.js';

/** Apps: the table with its filters, and an app's page. */
export class AppsPage {
  constructor(readonly page: Page) {}

  table(): Locator {
    return this.page.getByRole('table', { name: 'Apps' });
  }
  appRows(): Locator {
    return this.table()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link') });
  }
  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search apps' }).fill(text);
  }
  async openApp(label: string): Promise<AppDetailPage> {
    await this.table().getByRole('link', { name: label, exact: true }).click();
    await see(this.page.getByRole('heading', { level: 1, name: label }));
    return new AppDetailPage(this.page);
  }
}

export class AppDetailPage {
  constructor(readonly page: Page) {}

  grantRow(scopeId: string): Locator {
    return this.page
      .getByRole('table', { name: /^Grants of/ })
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name: scopeId, exact: true }) });
  }
}
