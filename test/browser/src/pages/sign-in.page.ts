import type { Page } from 'playwright-core';
import { see } from '../browser.js';

/** The OpenID provider's sign-in form (reached through the console's /auth/login). */
export class SignInPage {
  constructor(readonly page: Page) {}

  async signIn(consoleUrl: string, email: string, password: string, path = '/integrations'): Promise<void> {
    await this.page.goto(`${consoleUrl}${path}`);
    await see(this.page.getByLabel('Email'));
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await see(this.page.getByRole('heading', { level: 1 }));
  }
}
