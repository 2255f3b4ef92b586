import { Type } from '@sinclair/typebox';
import { Actor, Uuid } from './common.schema.js';
import { defineEvent } from './event-definition.js';

const strict = { additionalProperties: false } as const;

/** Why a sync started. */
export const SyncTrigger = Type.Union([
  Type.Literal('initial'),
  Type.Literal('manual'),
  Type.Literal('schedule'),
  Type.Literal('token-updated'),
]);

/** Events on `appgov.sync-requests.v1` (key: connection id). */
export const syncRequestEvents = {
  'sync.requested': defineEvent({
    version: 1,
    topic: 'syncRequests',
    description: 'Start a sync of one connection (ingest takes the per-connection lease).',
    data: Type.Object(
      {
        syncId: Uuid(),
        trigger: SyncTrigger,
        requestedBy: Type.Optional(Actor),
        domain: Type.String({ minLength: 3, maxLength: 253 }),
        rateLimitShare: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: 1,
            description: "The connection's own share of each Okta bucket (absent: the deployment's default)",
          }),
        ),
      },
      strict,
    ),
  }),
  'sync.cancel-requested': defineEvent({
    version: 1,
    topic: 'syncRequests',
    description: 'Stop the running sync of a connection (or the given one) within seconds.',
    data: Type.Object(
      {
        syncId: Type.Optional(Uuid('Only this sync; absent: whichever sync of the connection runs')),
        reason: Type.Union([
          Type.Literal('token-updated'),
          Type.Literal('connection-deleted'),
          Type.Literal('manual'),
        ]),
      },
      strict,
    ),
  }),
} as const;
