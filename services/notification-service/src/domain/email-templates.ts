/** What an email says, rendered once at enqueue time (the queue row is what gets sent). */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Per-tenant branding used by every template. */
export interface Branding {
  productName: string;
  appUrl: string;
  supportUrl: string;
}

/** The email kinds the service sends. */
export type EmailKind = 'domain_ready' | 'connection_error' | 'connection_recovered' | 'webhook_disabled';

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function layout(
  branding: Branding,
  title: string,
  paragraphs: string[],
  link: { href: string; label: string },
): string {
  const p = paragraphs.map((line) => `<p style="margin:0 0 12px">${escapeHtml(line)}</p>`).join('\n');
  return `<!doctype html>
<html><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:600px">
<h2 style="margin:0 0 16px">${escapeHtml(title)}</h2>
${p}
<p><a href="${escapeHtml(link.href)}" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${escapeHtml(link.label)}</a></p>
<p style="color:#6b7280;font-size:12px">${escapeHtml(branding.productName)} · <a href="${escapeHtml(branding.supportUrl)}">Support</a></p>
</body></html>`;
}

function plain(branding: Branding, paragraphs: string[], link: { href: string; label: string }): string {
  return `${paragraphs.join('\n\n')}\n\n${link.label}: ${link.href}\n\n--\n${branding.productName} · Support: ${branding.supportUrl}\n`;
}

const connectionLink = (branding: Branding, connectionId: string) =>
  `${branding.appUrl.replace(/\/+$/, '')}/connections/${encodeURIComponent(connectionId)}`;

/** N1: the connection's first sync completed. */
export function renderDomainReady(
  branding: Branding,
  input: { domain: string; connectionId: string },
): RenderedEmail {
  const subject = `${branding.productName}: ${input.domain} is ready for review`;
  const paragraphs = [
    `The first sync of your Okta domain ${input.domain} has completed.`,
    `Its applications, grants, admins and API tokens are now in ${branding.productName} and ready for review.`,
  ];
  const link = { href: connectionLink(branding, input.connectionId), label: `Review ${input.domain}` };
  return {
    subject,
    text: plain(branding, paragraphs, link),
    html: layout(branding, `${input.domain} is ready for review`, paragraphs, link),
  };
}

/** N2: a connection turned to error (once per incident). */
export function renderConnectionError(
  branding: Branding,
  input: { domain: string; connectionId: string; reasonCode: string; message: string },
): RenderedEmail {
  const subject = `${branding.productName}: syncing ${input.domain} failed`;
  const paragraphs = [
    `The sync of your Okta domain ${input.domain} failed (${input.reasonCode}).`,
    input.message,
    'We will email you again when it recovers; further failures of this incident send no more email.',
  ];
  const link = { href: connectionLink(branding, input.connectionId), label: `Open ${input.domain}` };
  return {
    subject,
    text: plain(branding, paragraphs, link),
    html: layout(branding, `Syncing ${input.domain} failed`, paragraphs, link),
  };
}

/** N2: the next completed sync after an incident. */
export function renderConnectionRecovered(
  branding: Branding,
  input: { domain: string; connectionId: string },
): RenderedEmail {
  const subject = `${branding.productName}: ${input.domain} has recovered`;
  const paragraphs = [`The Okta domain ${input.domain} synced successfully again; its data is up to date.`];
  const link = { href: connectionLink(branding, input.connectionId), label: `Open ${input.domain}` };
  return {
    subject,
    text: plain(branding, paragraphs, link),
    html: layout(branding, `${input.domain} has recovered`, paragraphs, link),
  };
}

/** N3: a webhook that kept failing was disabled. */
export function renderWebhookDisabled(
  branding: Branding,
  input: { webhookId: string; url: string; failures: number },
): RenderedEmail {
  let host = input.url;
  try {
    host = new URL(input.url).host;
  } catch {
    // keep the raw value
  }
  const subject = `${branding.productName}: webhook to ${host} was disabled`;
  const paragraphs = [
    `The webhook ${input.webhookId} to ${host} failed ${input.failures} deliveries in a row and has been disabled.`,
    'Fix the receiver, then enable the webhook again; pending deliveries resume when it is enabled.',
  ];
  const link = { href: `${branding.appUrl.replace(/\/+$/, '')}/settings/webhooks`, label: 'Manage webhooks' };
  return {
    subject,
    text: plain(branding, paragraphs, link),
    html: layout(branding, 'A webhook was disabled', paragraphs, link),
  };
}
