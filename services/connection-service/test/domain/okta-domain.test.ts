import t from 'tap';
import { EXPECTED_DOMAIN_FORM, normaliseOktaDomain } from '../../src/domain/okta-domain.js';

const accepted: [string, string][] = [
  ['acme', 'acme.okta.com'],
  ['ACME', 'acme.okta.com'],
  ['  acme  ', 'acme.okta.com'],
  ['acme-admin', 'acme.okta.com'],
  ['acme.okta.com', 'acme.okta.com'],
  ['acme.okta.com.', 'acme.okta.com'],
  ['Acme.Okta.Com', 'acme.okta.com'],
  ['acme-admin.okta.com', 'acme.okta.com'],
  ['https://acme-admin.okta.com/admin/dashboard', 'acme.okta.com'],
  ['https://acme.okta.com/', 'acme.okta.com'],
  ['https://acme.okta.com/app/UserHome?x=1#y', 'acme.okta.com'],
  ['http://acme.okta.com', 'acme.okta.com'],
  ['acme-corp.okta.com', 'acme-corp.okta.com'],
  ['acme.oktapreview.com', 'acme.oktapreview.com'],
  ['acme-admin.oktapreview.com', 'acme.oktapreview.com'],
  ['https://acme-admin.oktapreview.com/admin/dashboard', 'acme.oktapreview.com'],
  ['acme.okta-emea.com', 'acme.okta-emea.com'],
  ['acme-admin.okta-emea.com', 'acme.okta-emea.com'],
  ['acme.okta-gov.com', 'acme.okta-gov.com'],
  ['acme-admin.okta-gov.com', 'acme.okta-gov.com'],
  ['acme.okta.mil', 'acme.okta.mil'],
  ['dev-123456.okta.com', 'dev-123456.okta.com'],
];

const refused: string[] = [
  '',
  '   ',
  '10.0.0.1',
  '127.0.0.1',
  '[::1]',
  'https://10.0.0.1/admin',
  'http://[::1]/',
  'evil.com',
  'acme.okta.com.evil.com',
  'https://evil.com/acme.okta.com',
  'login.acme.com',
  'localhost.localdomain',
  'okta.com',
  'sub.acme.okta.com',
  'https://user:pass@acme.okta.com',
  'https://user@acme.okta.com/',
  'acme.okta.com:8443',
  'https://acme.okta.com:8443',
  'ftp://acme.okta.com',
  'acme okta',
  'acme_corp',
  '-acme',
  'acme/admin',
  'user@acme.okta.com',
  'javascript:alert(1)',
  'a'.repeat(300),
];

t.test('every accepted form of C1 maps to the API host', async (t) => {
  for (const [input, want] of accepted) t.equal(normaliseOktaDomain(input), want, JSON.stringify(input));
});

t.test(
  'malformed input, IPs, other hosts and URLs with credentials are refused with the expected form',
  async (t) => {
    for (const input of refused) {
      t.throws(
        () => normaliseOktaDomain(input),
        { code: 'CONNECTION_INVALID_DOMAIN', details: { expected: EXPECTED_DOMAIN_FORM } },
        JSON.stringify(input),
      );
    }
    try {
      normaliseOktaDomain('https://user:secret-pass@acme.okta.com');
      t.fail('accepted a URL with credentials');
    } catch (error) {
      t.notMatch((error as Error).message, /secret-pass/, 'the refused input is not echoed');
    }
  },
);

t.test('custom domains only when the operator allows them', async (t) => {
  t.throws(() => normaliseOktaDomain('login.acme.com'));
  t.equal(normaliseOktaDomain('login.acme.com', { allowCustomDomains: true }), 'login.acme.com');
  t.equal(normaliseOktaDomain('https://Login.Acme.com/x', { allowCustomDomains: true }), 'login.acme.com');
  t.throws(() => normaliseOktaDomain('10.1.2.3', { allowCustomDomains: true }));
  t.throws(() => normaliseOktaDomain('app.localhost', { allowCustomDomains: true }));
});
