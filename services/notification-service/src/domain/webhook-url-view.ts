// Finding 15: a webhook URL is a credential (a Slack incoming-webhook URL is all it takes to post
// into the channel; generic receivers often put a token in the path or query). Only admins, who
// can change it anyway, see it whole; viewers see the origin and the last four characters.
import { hasRole } from '@appgov/http';
import type { FastifyRequest } from 'fastify';

/** `https://hooks.slack.com/…abcd`: enough to recognise a webhook, not to use it. */
export function maskWebhookUrl(url: string): string {
  try {
    const { origin } = new URL(url);
    return `${origin}/…${url.slice(-4)}`;
  } catch {
    return '…';
  }
}

/** The webhook as `request`'s caller may see it. */
export function webhookForCaller<T extends { url: string }>(request: FastifyRequest, hook: T): T {
  if (request.auth && hasRole(request.auth, 'admin')) return hook;
  return { ...hook, url: maskWebhookUrl(hook.url) };
}
