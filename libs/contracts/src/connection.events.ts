import { Type } from '@sinclair/typebox';
import { Actor, DateTime, TenantId, Uuid } from './common.schema.js';
import { defineEvent } from './event-definition.js';

const strict = { additionalProperties: false } as const;
const Domain = Type.String({
  minLength: 3,
  maxLength: 253,
  description: 'Normalised Okta domain, e.g. acme.okta.com',
});
const Fingerprint = Type.String({
  minLength: 8,
  maxLength: 128,
  description: 'Non-reversible fingerprint of the token (never the token)',
});
const AdminRole = Type.String({ description: 'The highest admin role of the token owner, e.g. SUPER_ADMIN' });

/** Events on `appgov.connections.v1` (key: connection id). */
export const connectionEvents = {
  'connection.created': defineEvent({
    version: 1,
    topic: 'connections',
    description: 'A tenant linked an Okta org; its first sync is requested separately.',
    data: Type.Object(
      {
        connectionId: Uuid(),
        tenantId: TenantId,
        domain: Domain,
        provider: Type.Literal('okta'),
        createdBy: Actor,
        createdAt: Type.Optional(DateTime()),
        tokenFingerprint: Fingerprint,
        adminRole: Type.Optional(AdminRole),
      },
      strict,
    ),
  }),
  'connection.token-updated': defineEvent({
    version: 1,
    topic: 'connections',
    description: "A connection's credential was replaced (a new Vault version).",
    data: Type.Object(
      {
        connectionId: Uuid(),
        tenantId: TenantId,
        domain: Domain,
        updatedBy: Actor,
        tokenFingerprint: Fingerprint,
        adminRole: Type.Optional(AdminRole),
      },
      strict,
    ),
  }),
  'connection.deleted': defineEvent({
    version: 1,
    topic: 'connections',
    description: 'A connection was removed; consumers purge everything they hold for it.',
    data: Type.Object(
      { connectionId: Uuid(), tenantId: TenantId, domain: Domain, deletedBy: Actor, deletedAt: DateTime() },
      strict,
    ),
  }),
} as const;
