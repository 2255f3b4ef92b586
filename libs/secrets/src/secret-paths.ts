import { InvalidInputError } from '@appgov/errors';

/** Where one connection's Okta credential lives, relative to the KV v2 mount. */
export interface SecretLocation {
  mount: string;
  /** Key path inside the mount: `[<prefix>/]tenants/<tenantId>/connections/<connectionId>/okta`. */
  path: string;
}

// Ids become path segments: anything that could climb or split a path is refused.
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function segment(name: string, value: string): string {
  if (!SAFE_SEGMENT.test(value) || value.includes('..')) {
    throw new InvalidInputError(
      'SECRET_INVALID_ID',
      `${name} must be 1-128 letters, digits, '.', '_' or '-'`,
    );
  }
  return value;
}

/** A key under a tenant: `[<prefix>/]tenants/<tenantId>/<rest...>`, each id checked as one segment. */
function tenantKey(
  mount: string,
  pathPrefix: string,
  tenantId: string,
  rest: readonly (string | [name: string, value: string])[],
): SecretLocation {
  const prefix = pathPrefix.replace(/^\/+|\/+$/g, '');
  const parts = [
    ...(prefix ? [prefix] : []),
    'tenants',
    segment('tenantId', tenantId),
    ...rest.map((p) => (typeof p === 'string' ? p : segment(p[0], p[1]))),
  ];
  return { mount, path: parts.join('/') };
}

/** The key of a connection's Okta token; see README.md for the layout and the policy it needs. */
export function oktaTokenLocation(
  mount: string,
  pathPrefix: string,
  tenantId: string,
  connectionId: string,
): SecretLocation {
  return tenantKey(mount, pathPrefix, tenantId, ['connections', ['connectionId', connectionId], 'okta']);
}

/** The key of a webhook's signing secret: `[<prefix>/]tenants/<tenantId>/webhooks/<webhookId>/signing`. */
export function webhookSecretLocation(
  mount: string,
  pathPrefix: string,
  tenantId: string,
  webhookId: string,
): SecretLocation {
  return tenantKey(mount, pathPrefix, tenantId, ['webhooks', ['webhookId', webhookId], 'signing']);
}
