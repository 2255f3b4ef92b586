import type { Page } from 'playwright-core';
import { see } from '../browser.js';

/** The console's frame: the main navigation and each screen's heading. */
export class Shell {
  constructor(readonly page: Page) {}

  nav() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  async open(link: string, heading = link): Promise<void> {
    await this.nav().getByRole('link', { name: link, exact: true }).click();
    await see(this.page.getByRole('heading', { level: 1, name: heading }));
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }
}
