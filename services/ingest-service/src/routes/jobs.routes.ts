import { requireRole } from '@appgov/http';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { IngestDatabase } from '../domain/ingest.tables.js';
import { decodeJobsCursor, encodeJobsCursor } from '../domain/jobs-cursor.js';
import { listJobs } from '../domain/sync-job.repository.js';

const JobState = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

/** GET /v1/ingest/jobs: recent sync jobs across tenants, for operators (C12: no catalog data, no secrets). */
export function registerJobRoutes(
  app: FastifyInstance<any, any, any, any, any>,
  db: Kysely<IngestDatabase>,
): void {
  app.get(
    '/v1/ingest/jobs',
    {
      preHandler: requireRole('operator'),
      schema: {
        summary: 'Recent sync jobs (operators)',
        security: [{ bearerAuth: [] }],
        querystring: Type.Object(
          {
            state: Type.Optional(JobState),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(
              Type.String({ maxLength: 1000, description: 'Opaque cursor from nextCursor' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                syncId: Type.String(),
                connectionId: Type.String(),
                tenantId: Type.String(),
                domain: Type.String(),
                trigger: Type.String(),
                state: JobState,
                attempts: Type.Integer(),
                reasonCode: Type.Union([Type.String(), Type.Null()]),
                counts: Type.Record(Type.String(), Type.Integer()),
                callsMade: Type.Integer(),
                requestedAt: Type.String(),
                startedAt: Type.Union([Type.String(), Type.Null()]),
                heartbeatAt: Type.Union([Type.String(), Type.Null()]),
                finishedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const q = request.query as { state?: string; limit: number; cursor?: string };
      const after = q.cursor ? decodeJobsCursor(q.cursor) : undefined;
      const rows = await listJobs(db, { ...(q.state ? { state: q.state } : {}), limit: q.limit, after });
      const last = rows[rows.length - 1];
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      return {
        items: rows.map((r) => ({
          syncId: r.sync_id,
          connectionId: r.connection_id,
          tenantId: r.tenant_id,
          domain: r.domain,
          trigger: r.trigger,
          state: r.state,
          attempts: r.attempts,
          reasonCode: r.reason_code,
          counts: r.counts,
          callsMade: r.calls_made,
          requestedAt: r.requested_at.toISOString(),
          startedAt: iso(r.started_at),
          heartbeatAt: iso(r.heartbeat_at),
          finishedAt: iso(r.finished_at),
        })),
        nextCursor:
          rows.length === q.limit && last ? encodeJobsCursor(last.requested_at, last.sync_id) : null,
      };
    },
  );
}
