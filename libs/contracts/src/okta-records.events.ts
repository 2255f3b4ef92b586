import { type TSchema, Type } from '@sinclair/typebox';
import { Count, Dataset, Uuid } from './common.schema.js';
import { defineEvent } from './event-definition.js';
import {
  ApiTokenRecord,
  AppGrantRecord,
  AppRecord,
  AppUserRecord,
  GroupAppRecord,
  GroupMemberRecord,
  GroupRecord,
  RECORD_BATCH_LIMITS,
  UserRecord,
  UserRoleRecord,
} from './okta-record.schema.js';

const strict = { additionalProperties: false } as const;

const batchOf = <D extends string, R extends TSchema>(dataset: D, record: R) =>
  Type.Object(
    {
      syncId: Uuid(),
      dataset: Type.Literal(dataset),
      seq: Type.Integer({ minimum: 0, description: 'Batch number within the dataset, from 0, gap-free' }),
      records: Type.Array(record, { maxItems: RECORD_BATCH_LIMITS.maxRecords }),
    },
    strict,
  );

/** `records.batch` data: the records of one dataset, typed by `dataset`. */
export const RecordBatchData = Type.Union([
  batchOf('users', UserRecord),
  batchOf('user-roles', UserRoleRecord),
  batchOf('groups', GroupRecord),
  batchOf('group-members', GroupMemberRecord),
  batchOf('group-apps', GroupAppRecord),
  batchOf('apps', AppRecord),
  batchOf('app-users', AppUserRecord),
  batchOf('app-grants', AppGrantRecord),
  batchOf('api-tokens', ApiTokenRecord),
]);

/** Events on `appgov.okta-records.v1` (ingest → catalog; key: connection id, so one sync stays in order). */
export const oktaRecordEvents = {
  'records.dataset-started': defineEvent({
    version: 1,
    topic: 'oktaRecords',
    description: 'Ingest began reading a dataset; batches of it follow.',
    data: Type.Object({ syncId: Uuid(), dataset: Dataset }, strict),
  }),
  'records.batch': defineEvent({
    version: 1,
    topic: 'oktaRecords',
    description: 'A bounded batch of normalised records of one dataset.',
    data: RecordBatchData,
  }),
  'records.dataset-completed': defineEvent({
    version: 1,
    topic: 'oktaRecords',
    description:
      'End marker: the dataset was read whole; the catalog may sweep it once it applied batchCount batches.',
    data: Type.Object({ syncId: Uuid(), dataset: Dataset, recordCount: Count, batchCount: Count }, strict),
  }),
  'records.dataset-skipped': defineEvent({
    version: 1,
    topic: 'oktaRecords',
    description: 'The dataset could not be read (e.g. 403); the catalog keeps and sweeps nothing of it.',
    data: Type.Object(
      {
        syncId: Uuid(),
        dataset: Dataset,
        reason: Type.String({ minLength: 1 }),
        httpStatus: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
        errorCode: Type.Optional(Type.String({ description: 'Okta errorCode, e.g. E0000006' })),
      },
      strict,
    ),
  }),
  'records.sync-ended': defineEvent({
    version: 1,
    topic: 'oktaRecords',
    description: 'The last message of a sync on this topic; only a completed sync is swept.',
    data: Type.Object(
      {
        syncId: Uuid(),
        outcome: Type.Union([Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')]),
        datasetsRead: Type.Array(Dataset, {
          uniqueItems: true,
          description: 'Datasets read whole by this sync',
        }),
      },
      strict,
    ),
  }),
} as const;
