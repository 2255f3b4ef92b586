// Debian's Chromium driven by playwright-core (Playwright's own browser downloads are not reachable).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@appgov/e2e';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!executablePath)
    throw new Error('Chromium not found: run deploy/local/test-tools.sh (apt_install chromium)');
  const root = process.getuid?.() === 0;
  return chromium.launch({ executablePath, headless: true, args: root ? ['--no-sandbox'] : [] });
}

/** Web-first waiting: resolves once the person would see it (or fails after the timeout). */
export async function see(locator: Locator, timeout = 30_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

export async function gone(locator: Locator, timeout = 30_000): Promise<void> {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

// A test run keeps its screenshots out of the tree (a run must not leave the checkout modified);
// UPDATE_SCREENSHOTS=1 refreshes the ones the README shows.
export const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS
  ? join(repoRoot, 'docs/screenshots')
  : join(repoRoot, '.local/screenshots');

/** axe on the page as it stands: the serious and critical violations (empty when the screen passes). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Playwright's 30 s default ran out on a machine kept busy by two CPU-bound processes.
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, timeout: 120_000 });
}
