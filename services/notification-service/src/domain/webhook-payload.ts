import type { AnyCloudEvent } from '@appgov/contracts';
import type { WebhookFormat } from './notification.table.js';

/** Event types a webhook may subscribe to (`*` means all of them). */
export const WEBHOOK_EVENT_TYPES = [
  'connection.created',
  'connection.token-updated',
  'connection.deleted',
  'sync.started',
  'sync.completed',
  'sync.failed',
  'catalog.applied',
  'app.discovered',
  'app.changed',
  'app.removed',
  'app.grant.added',
  'app.grant.revoked',
  'app.assignments.changed',
  'api-token.discovered',
  'api-token.removed',
  'inventory.snapshot.completed',
  'finding.opened',
  'finding.resolved',
] as const;

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

/** One human line about an event, for Slack and logs of receivers. */
export function summarize(event: AnyCloudEvent, domain: string | null): string {
  const where = domain ?? event.connectionid ?? 'a connection';
  const d = event.data as Record<string, unknown>;
  switch (event.type) {
    case 'connection.created':
      return `Okta domain ${str(d.domain)} was connected`;
    case 'connection.token-updated':
      return `The API token of ${str(d.domain)} was replaced`;
    case 'connection.deleted':
      return `Okta domain ${str(d.domain)} was disconnected`;
    case 'sync.started':
      return `A sync of ${where} started`;
    case 'sync.completed':
      return `A sync of ${where} completed in ${Math.round(Number(d.durationMs ?? 0) / 1000)} s`;
    case 'sync.failed':
      return `A sync of ${where} failed (${str(d.reasonCode)}): ${str(d.message)}`;
    case 'catalog.applied':
      return `The catalog of ${where} is up to date`;
    case 'app.discovered':
      return `New app in ${where}: ${str((d.app as Record<string, unknown> | undefined)?.label)}`;
    case 'app.changed':
      return `App ${str((d.after as Record<string, unknown> | undefined)?.label)} in ${where} changed (${str(d.changedFields)})`;
    case 'app.removed':
      return `App ${str(d.appId)} was removed from ${where}`;
    case 'app.grant.added':
      return `App ${str(d.appId)} in ${where} was granted ${str((d.grant as Record<string, unknown> | undefined)?.scopeId)}`;
    case 'app.grant.revoked':
      return `Grant ${str(d.scopeId)} of app ${str(d.appId)} in ${where} was revoked`;
    case 'finding.opened':
      return `New ${str(d.severity)} finding in ${where}: ${str(d.kind)}`;
    case 'finding.resolved':
      return `Finding resolved in ${where}: ${str(d.kind)}`;
    default:
      return `${event.type} in ${where}`;
  }
}

/** The request body a webhook receives: the CloudEvent itself, or a Slack message. */
export function webhookBody(format: WebhookFormat, event: AnyCloudEvent, domain: string | null): string {
  if (format === 'generic') return JSON.stringify(event);
  const text = summarize(event, domain);
  return JSON.stringify({
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${event.type} · ${event.time} · ${event.id}` }],
      },
    ],
  });
}
