import { type Static, Type } from '@sinclair/typebox';
import { DateTime } from './common.schema.js';

/** Why a message went to the DLQ. */
export const DlqReason = Type.Union([
  Type.Literal('handler_failed'),
  Type.Literal('schema_invalid'),
  Type.Literal('unknown_type'),
  Type.Literal('unparseable'),
]);
/** Why a message went to the DLQ. */
export type DlqReason = Static<typeof DlqReason>;

/** One failed processing attempt. */
export const DlqAttempt = Type.Object(
  { at: DateTime(), error: Type.String(), code: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
/** One failed processing attempt. */
export type DlqAttempt = Static<typeof DlqAttempt>;

/** Value of `appgov.dlq.v1` (key: the original key): the failed message and why it failed. */
export const DlqRecord = Type.Object(
  {
    originTopic: Type.String({ minLength: 1 }),
    partition: Type.Integer({ minimum: 0 }),
    offset: Type.String({ pattern: '^[0-9]+$', description: 'Kafka offset as a decimal string (int64)' }),
    key: Type.Union([Type.String(), Type.Null()]),
    headers: Type.Record(Type.String(), Type.String()),
    value: Type.Union([Type.String(), Type.Null()]),
    valueEncoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')], {
      description: 'base64 when the original bytes were not valid UTF-8',
    }),
    groupId: Type.String({ description: 'The consumer group that gave up' }),
    eventType: Type.Optional(Type.String()),
    reason: DlqReason,
    attempts: Type.Array(DlqAttempt),
    failedAt: DateTime(),
  },
  { additionalProperties: false, title: 'DlqRecord' },
);
/** A DLQ record. */
export type DlqRecord = Static<typeof DlqRecord>;
