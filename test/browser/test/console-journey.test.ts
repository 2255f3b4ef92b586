// The web console in a real browser (Debian's Chromium through playwright-core) against the real
// services, the real OpenID provider process and the Okta simulator: the product guide's Integrations
// journey for an admin, what a viewer, another tenant and an operator see, the same flow with the
// keyboard alone, and axe plus a screenshot on every screen.
import { generateKeyPairSync } from 'node:crypto';
import { DEMO_PASSWORD } from '@appgov/oidc-provider';
import { type OrgStore, ROLE_LABELS } from '@appgov/okta-simulator';
import type { Browser, Locator, Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { gone, launchChromium, screenshot, see, seriousViolations } from '../src/browser.js';
import { AppsPage } from '../src/pages/apps.page.js';
import { IntegrationsPage } from '../src/pages/integrations.page.js';
import { Shell } from '../src/pages/shell.page.js';
import { SignInPage } from '../src/pages/sign-in.page.js';
import { startBrowserStack } from '../src/stack.js';

// The whole journey in one browser against a full stack: on a busy 2-core machine it outlives
// the 300 s a test file gets by default (.taprc).
t.setTimeout(15 * 60_000);

const ADMIN = 'admin@demo.example';
const VIEWER = 'viewer@demo.example';
const OPERATOR = 'operator@appgov.example';
const OTHER_ADMIN = 'admin@other.example';
const OAUTH_SCOPES = [
  'okta.users.read',
  'okta.groups.read',
  'okta.apps.read',
  'okta.appGrants.read',
  'okta.roles.read',
  'okta.apiTokens.read',
  'okta.orgs.read',
];

t.test('the console in a browser', async (t) => {
  const sub = `web${Date.now().toString(36)}`;
  const domain = `${sub}.okta.com`;
  const keyboardDomain = `${sub}kb.okta.com`;
  const oauthDomain = `${sub}oa.okta.com`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceApp = {
    clientId: `0oa${sub}`,
    keys: [publicKey.export({ type: 'spki', format: 'pem' }).toString()],
    scopes: OAUTH_SCOPES,
    role: 'SUPER_ADMIN' as const,
  };
  const stack = await startBrowserStack(t, [
    { domain, size: 'tiny', seed: 11 },
    { domain: keyboardDomain, size: 'tiny', seed: 12 },
    { domain: oauthDomain, size: 'tiny', seed: 13, serviceApps: [serviceApp] },
  ]);
  const org = stack.okta.sim.org(domain);
  const browser: Browser = await launchChromium();
  t.teardown(() => browser.close());

  async function signedIn(email: string, path = '/integrations'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await new SignInPage(page).signIn(stack.consoleUrl, email, DEMO_PASSWORD, path);
    return page;
  }
  const audited = new Set<string>();
  async function audit(page: Page, name: string) {
    t.same(await seriousViolations(page), [], `axe: no serious or critical violation on ${name}`);
    await screenshot(page, name);
    audited.add(name);
  }

  const page = await signedIn(ADMIN);
  // When a step fails, the page as it stood (for the person reading the failure).
  t.teardown(async () => {
    if (!t.passing()) await screenshot(page, 'failure').catch(() => {});
  });
  const integrations = new IntegrationsPage(page);
  const shell = new Shell(page);
  await see(integrations.heading());
  await see(page.getByText('No Okta domain is connected yet.'));
  t.pass('an admin signs in through the OpenID provider and lands on Integrations');

  // Connect with a wrong token: the error shows inline and nothing is saved.
  await integrations.submitConnect(`https://${sub}-admin.okta.com/admin/dashboard`, 'not-a-valid-okta-token');
  const inlineError = await see(integrations.addDialog().getByRole('alert'));
  t.match(
    await inlineError.innerText(),
    /\S/,
    `the server's error shows inline: ${await inlineError.innerText()}`,
  );
  await audit(page, 'integrations-add-error');
  await integrations.cancelAdd();
  const afterWrong = await page.request.get(
    `${stack.consoleUrl}/api/connection/v1/integrations/okta/connections`,
  );
  t.same((await afterWrong.json()).items, [], 'nothing was saved');

  // The right token: a message with the number of domains, the row In progress, then Success without a reload.
  org.setFaults({ slowPageMs: 400 });
  await integrations.submitConnect(`https://${sub}-admin.okta.com/admin/dashboard`, org.token);
  await gone(integrations.addDialog());
  const notice = await see(integrations.notice());
  t.match(await notice.innerText(), /1 domain updated/, 'the message gives the number of domains updated');
  await integrations.status(domain, 'In progress', 30_000);
  await see(integrations.domainRow(domain).getByText('The domain is still being processed.'));
  t.pass('the new row is In progress: the domain is still being processed');
  await audit(page, 'integrations-in-progress');
  org.setFaults({});
  const navigations: string[] = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations.push(f.url());
  });
  await integrations.status(domain, 'Success');
  await see(integrations.notice().getByText(`${domain}: the integration completed successfully.`));
  t.pass('a success message appears');
  // At the moment Success shows, the catalog has every app of the org (C6 status truth).
  const conns = (
    await (
      await page.request.get(`${stack.consoleUrl}/api/connection/v1/integrations/okta/connections`)
    ).json()
  ).items;
  const summary = await (
    await page.request.get(`${stack.consoleUrl}/api/catalog/v1/catalog/connections/${conns[0].id}/summary`)
  ).json();
  const snapshot = org.snapshot();
  t.equal(navigations.length, 0, 'In progress turned to Success without a reload');
  t.ok(summary.lastAppliedSync, 'the catalog has applied the sync when Success shows');
  t.equal(summary.counts.apps, snapshot.apps.length, 'every app of the org is in the catalog at that moment');
  await see(integrations.providerRow().getByText('Success', { exact: true }));
  t.pass('the Okta row gives the worst status of its domains');
  await integrations.expand(domain);
  await see(integrations.domainDetails(domain).getByRole('table', { name: `Last syncs of ${domain}` }));
  await audit(page, 'integrations');

  // Apps, and the app with a risky grant.
  await shell.open('Apps');
  const apps = new AppsPage(page);
  await see(apps.appRows());
  t.equal(await apps.appRows().count(), snapshot.apps.length, 'the apps table lists every app');
  await audit(page, 'apps');
  const [riskyAppId, riskyGrant] = Object.entries(snapshot.grants)
    .flatMap(([appId, gs]) => gs.map((g) => [appId, g] as const))
    .find(([, g]) => /^okta\.[a-zA-Z]+\.manage$/.test(g.scopeId)) ?? [undefined, undefined];
  if (riskyAppId && riskyGrant) {
    const label = snapshot.apps.find((a) => a.id === riskyAppId)!.label;
    await apps.search(label);
    await gone(apps.appRows().nth(1));
    await see(apps.table().getByRole('link', { name: label, exact: true }));
    t.pass(`searching apps for "${label}" leaves that app`);
    const app = await apps.openApp(label);
    await see(app.grantRow(riskyGrant.scopeId).getByText('Risky scope'));
    t.pass(`the app page marks ${riskyGrant.scopeId} of ${label} as a risky scope`);
    await audit(page, 'app');
  } else {
    t.fail('the simulated org has no app with a risky grant');
  }
  for (const [link, name] of [
    ['Users', 'users'],
    ['Admins', 'admins'],
    ['API tokens', 'api-tokens'],
    ['Findings', 'findings'],
    ['Recipients', 'recipients'],
    ['Webhooks', 'webhooks'],
  ] as const) {
    await shell.open(link);
    if (name === 'users') {
      // The whole first page in the screenshot, then one user searched.
      await see(page.getByRole('table').getByRole('row').nth(2));
      await audit(page, name);
      await usersShowRolesAndApps(page, org.store);
      continue;
    }
    if (name === 'findings') await see(page.getByRole('img', { name: /Open findings by severity/ }));
    if (name === 'recipients') {
      const field = page.getByLabel('Recipient email');
      await field.fill(`secops@${sub}.example`);
      // Loaded run 2 of 2026-12-05 found the field empty and no recipient 30 s later: say which
      // half failed next time (the typing lost before the click, or the list not showing the add).
      t.equal(await field.inputValue(), `secops@${sub}.example`, 'the typed email is in the field');
      await page.getByRole('button', { name: 'Add recipient' }).click();
      await see(page.getByRole('cell', { name: `secops@${sub}.example` }));
      t.pass('a recipient is added');
    }
    if (name === 'webhooks') {
      await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/appgov-hook');
      await page.getByRole('button', { name: 'Create webhook' }).click();
      await see(page.getByText(/Signing secret \(shown once/));
      await audit(page, 'webhooks-secret');
      await page.getByRole('button', { name: 'I stored it' }).click();
      await gone(page.getByText(/Signing secret \(shown once/));
      await page.getByRole('button', { name: 'http://127.0.0.1:9/appgov-hook' }).click();
      await see(
        page.getByRole('table', { name: /Delivery log of/ }).or(page.getByText('No deliveries yet.')),
      );
      t.pass('a webhook is created with its secret shown once, and its delivery log opens');
    }
    await audit(page, name);
  }

  // A viewer sees the domain and no change controls.
  const viewer = await signedIn(VIEWER);
  const viewerIntegrations = new IntegrationsPage(viewer);
  await viewerIntegrations.status(domain, 'Success');
  const viewerDetails = await viewerIntegrations.expand(domain);
  await see(viewerDetails.getByText('First connected'));
  t.equal(await viewerIntegrations.addButton().count(), 0, 'a viewer sees no Add');
  t.equal(
    await viewerDetails.getByRole('button', { name: /Edit token/ }).count(),
    0,
    'a viewer sees no Edit',
  );
  t.equal(
    await viewerDetails.getByRole('button', { name: 'Sync now' }).count(),
    0,
    'a viewer sees no Sync now',
  );
  t.equal(await viewerDetails.getByRole('button', { name: /Delete/ }).count(), 0, 'a viewer sees no Delete');
  await audit(viewer, 'integrations-viewer');

  // A session that ended (expired with its access token, or signed out elsewhere): the next call
  // sends the person through sign-in and back to the same screen, never a raw 401 on the page.
  await viewer.context().clearCookies();
  await new Shell(viewer).nav().getByRole('link', { name: 'Apps', exact: true }).click();
  await see(viewer.getByLabel('Email'));
  t.equal(await viewer.getByText(/401|Sign in to use the console/).count(), 0, 'no raw 401 shown');
  await viewer.getByLabel('Email').fill(VIEWER);
  await viewer.getByLabel('Password').fill(DEMO_PASSWORD);
  await viewer.getByRole('button', { name: 'Sign in' }).click();
  await see(viewer.getByRole('heading', { level: 1, name: 'Apps' }));
  t.equal(
    new URL(viewer.url()).pathname,
    '/apps',
    'an ended session signs in again and returns to the screen',
  );

  // Another tenant sees none of it.
  const other = await signedIn(OTHER_ADMIN);
  await see(other.getByText('No Okta domain is connected yet.'));
  t.equal(
    await new IntegrationsPage(other).domainRow(domain).count(),
    0,
    'another tenant sees no domain of the first',
  );
  await new Shell(other).open('Apps');
  await see(other.getByText('No apps match.'));
  t.pass("another tenant's apps table is empty");

  // An operator sees the cross-tenant status only.
  const operator = await signedIn(OPERATOR, '/operator');
  await see(operator.getByRole('heading', { level: 1, name: 'Connection status' }));
  const opRow = operator.getByRole('row').filter({ hasText: domain });
  await see(opRow.getByText('Success', { exact: true }));
  t.equal(await new Shell(operator).nav().getByRole('link').count(), 1, 'an operator has one screen');
  t.equal(await operator.getByRole('link', { name: 'Apps' }).count(), 0, 'an operator sees no catalog');
  await audit(operator, 'operator-status');

  // Edit the token: Cancel leaves it unchanged, Confirm replaces it.
  await shell.open('Connect', 'Integrations');
  const details = await integrations.expand(domain);
  const oldLast4 = org.token.slice(-4);
  await see(details.getByText(`last 4: ${oldLast4}`));
  const rotated = org.registerToken({ role: 'SUPER_ADMIN' }).value;
  let confirm = await integrations.startTokenEdit(domain, rotated);
  t.match(
    await confirm.innerText(),
    /will be overridden/,
    'the Confirm window says the current token will be overridden',
  );
  await audit(page, 'integrations-edit-confirm');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await gone(confirm);
  await see(details.getByText(`last 4: ${oldLast4}`));
  t.pass('Cancel leaves the token unchanged');
  confirm = await integrations.startTokenEdit(domain, rotated);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await gone(confirm);
  await see(details.getByText(`last 4: ${rotated.slice(-4)}`));
  t.pass('Confirm replaces the token');
  // The sync the new token starts completes before the token is broken.
  await see(
    details
      .getByRole('row')
      .filter({ hasText: 'token-updated' })
      .getByRole('cell', { name: 'completed', exact: true }),
    120_000,
  );

  // The token breaks in Okta: Error with its reason; then fixed.
  org.revokeToken(rotated);
  await details.getByRole('button', { name: 'Sync now' }).click();
  await integrations.status(domain, 'Error', 120_000);
  const broken = (
    await (
      await page.request.get(`${stack.consoleUrl}/api/connection/v1/integrations/okta/connections`)
    ).json()
  ).items[0];
  t.ok(broken.statusMessage, `the service gives a reason: ${broken.statusMessage}`);
  await see(integrations.domainRow(domain).getByText(broken.statusMessage));
  t.pass('the row shows Error with its reason');
  await audit(page, 'integrations-error');
  const fixed = org.registerToken({ role: 'SUPER_ADMIN' }).value;
  confirm = await integrations.startTokenEdit(domain, fixed);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await gone(confirm);
  await integrations.status(domain, 'Success');
  t.pass('a fixed token brings Success back');

  // Delete with confirmation.
  confirm = await integrations.startDelete(domain);
  t.match(
    await confirm.innerText(),
    /catalog data/,
    'the Confirm window names the domain and says its catalog data is removed',
  );
  await audit(page, 'integrations-delete-confirm');
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await gone(confirm);
  await gone(integrations.domainRow(domain));
  await see(page.getByText('No Okta domain is connected yet.'));
  t.pass('the domain is deleted');

  // Add with an OAuth service app (client id and private key) instead of an API token.
  await integrations.addButton().click();
  const add = await see(integrations.addDialog());
  await add.getByLabel('Okta domain').fill(oauthDomain);
  await add.getByText('OAuth service app', { exact: true }).click(); // the label, as a person clicks it
  await see(add.getByLabel('Client ID'));
  await add.getByLabel('Client ID').fill(serviceApp.clientId);
  await add.getByLabel('Private key').fill(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await add.getByRole('button', { name: 'Connect' }).click();
  await gone(integrations.addDialog());
  await integrations.status(oauthDomain, 'Success');
  const oauthDetails = await integrations.expand(oauthDomain);
  await see(oauthDetails.getByText(`OAuth service app ${serviceApp.clientId}`, { exact: false }));
  t.pass('a domain connects with an OAuth service app');

  // The same flow with the keyboard alone.
  const kb = await signedIn(ADMIN);
  await keyboardJourney(t, kb, keyboardDomain, stack.okta.sim.org(keyboardDomain).token);
  t.ok(audited.size >= 12, `axe ran and a screenshot was saved on ${audited.size} screens`);
});

/** Presses Tab until the target has the focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

async function keyboardJourney(t: Test, page: Page, domain: string, token: string): Promise<void> {
  const integrations = new IntegrationsPage(page);
  await see(integrations.heading());
  await tabTo(page, integrations.addButton());
  await page.keyboard.press('Enter');
  await see(integrations.addDialog());
  await page.keyboard.type(domain); // the domain field has the focus when the window opens
  await page.keyboard.press('Tab'); // the credentials radio group (API token)
  await page.keyboard.press('Tab');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await gone(integrations.addDialog());
  await integrations.status(domain, 'Success');
  t.pass('connected with the keyboard alone');
  await tabTo(page, integrations.domainRow(domain).getByRole('button', { name: domain, exact: true }));
  await page.keyboard.press('Enter');
  await see(integrations.domainDetails(domain));
  await tabTo(page, page.getByRole('button', { name: `Edit token of ${domain}` }));
  await page.keyboard.press('Enter');
  await page.keyboard.type(`${token}-unused`);
  await page.keyboard.press('Enter');
  const confirm = await see(integrations.confirmDialog('Override the token?'));
  await page.keyboard.press('Escape');
  await gone(confirm);
  t.pass('the token edit is cancelled with Escape');
  await page.keyboard.press('Escape');
  await tabTo(page, page.getByRole('button', { name: `Delete ${domain}` }));
  await page.keyboard.press('Enter');
  const del = await see(integrations.confirmDialog(`Delete ${domain}?`));
  await tabTo(page, del.getByRole('button', { name: 'Confirm' }), 5);
  await page.keyboard.press('Enter');
  await gone(del);
  await gone(integrations.domainRow(domain));
  t.pass('deleted with the keyboard alone');
}

/** U2: the users list gives each user's status, last login, roles and apps. */
async function usersShowRolesAndApps(page: Page, store: OrgStore) {
  const table = page.getByRole('table');
  for (const header of ['Status', 'Last login', 'Roles', 'Apps']) {
    await see(table.getByRole('columnheader', { name: header, exact: true }));
  }
  // A user with a directly assigned role: searched by login, its row names the role.
  const [userId, roles] = [...store.userRoles.entries()].find(([, r]) => r.length > 0) ?? [];
  const user = userId ? store.userById.get(userId) : undefined;
  if (!user || !roles) throw new Error('the simulated org has no user with a role');
  await page.getByRole('searchbox', { name: 'Search users' }).fill(user.login);
  const row = table.getByRole('row').filter({ hasText: user.login });
  await see(row.getByRole('cell', { name: new RegExp(ROLE_LABELS[roles[0]!.type]) }));
}
