import { isIP } from 'node:net';
import { InvalidInputError } from '@appgov/errors';

/** Okta's own org host suffixes (../shared/okta/README.md "Okta domains"). */
export const OKTA_HOST_SUFFIXES = [
  'okta.com',
  'oktapreview.com',
  'okta-emea.com',
  'okta-gov.com',
  'okta.mil',
] as const;

/** The form the error message shows (C1: "a clear message that shows the expected form"). */
export const EXPECTED_DOMAIN_FORM =
  'yourorg or yourorg.okta.com (also yourorg.oktapreview.com, yourorg.okta-emea.com, yourorg.okta-gov.com, yourorg.okta.mil)';

export interface NormaliseOptions {
  /** Accept a customer's custom domain (operator setting); otherwise only Okta's own hosts. */
  allowCustomDomains?: boolean;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function invalid(reason: string): InvalidInputError {
  // The input is not echoed: people paste tokens into the wrong field.
  return new InvalidInputError(
    'CONNECTION_INVALID_DOMAIN',
    `${reason} Enter the Okta domain as ${EXPECTED_DOMAIN_FORM}.`,
    { details: { expected: EXPECTED_DOMAIN_FORM } },
  );
}

/** `acme-admin` → `acme`: the admin console host is not the API host. */
function stripAdmin(label: string): string {
  return label.endsWith('-admin') && label.length > '-admin'.length
    ? label.slice(0, -'-admin'.length)
    : label;
}

/**
 * Maps what an admin types (C1) to the org's API host: `acme`, `acme.okta.com`,
 * `acme-admin.okta.com`, `https://acme-admin.okta.com/admin/dashboard` and the preview, EMEA and
 * gov hosts all give `acme.<suffix>`. Throws `CONNECTION_INVALID_DOMAIN` otherwise.
 */
export function normaliseOktaDomain(input: string, options: NormaliseOptions = {}): string {
  if (typeof input !== 'string') throw invalid('The domain is missing.');
  let text = input.trim().toLowerCase();
  if (text === '') throw invalid('The domain is empty.');
  if (text.length > 2048) throw invalid('The domain is too long.');
  let host: string;
  if (text.includes('://') || text.startsWith('//')) {
    if (text.startsWith('//')) text = `https:${text}`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw invalid('The URL cannot be read.');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('Only https URLs are accepted.');
    if (url.username !== '' || url.password !== '') throw invalid('URLs with credentials are not accepted.');
    if (url.port !== '') throw invalid('URLs with a port are not accepted.');
    host = url.hostname;
  } else {
    if (/[/?#@:\\\s]/.test(text)) throw invalid('The domain must be a host name, not a path or address.');
    host = text;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.startsWith('[') || isIP(host) !== 0) throw invalid('IP addresses are not Okta domains.');
  const labels = host.split('.');
  if (host.length > 253 || labels.some((l) => !LABEL.test(l)))
    throw invalid('The domain is not a valid host name.');

  if (labels.length === 1) return `${stripAdmin(labels[0] as string)}.okta.com`;
  for (const suffix of OKTA_HOST_SUFFIXES) {
    if (host.endsWith(`.${suffix}`)) {
      const org = host.slice(0, -suffix.length - 1);
      if (org.includes('.')) throw invalid('The Okta org name must be a single label.');
      return `${stripAdmin(org)}.${suffix}`;
    }
    if (host === suffix) throw invalid('The org name is missing.');
  }
  if (
    options.allowCustomDomains &&
    labels.length >= 2 &&
    host !== 'localhost' &&
    !host.endsWith('.localhost')
  ) {
    return host;
  }
  throw invalid('This host is not an Okta domain.');
}
