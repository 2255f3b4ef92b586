import {
  type Counter,
  defineCounter,
  defineHistogram,
  type Histogram,
  type Registry,
} from '@appgov/telemetry';

/** The service's own metrics (labels: channel = email | webhook; never tenant or domain). */
export interface NotificationMetrics {
  sent: Counter<'channel'>;
  failed: Counter<'channel'>;
  /** One webhook POST, by outcome: delivered, pending (to be retried), failed. */
  webhookDuration: Histogram<'outcome'>;
}

export function notificationMetrics(registry: Registry): NotificationMetrics {
  const m: NotificationMetrics = {
    sent: defineCounter(registry, {
      name: 'appgov_notifications_sent_total',
      help: 'Notifications delivered (an email accepted by SMTP, a webhook answered 2xx)',
      labelNames: ['channel'],
    }),
    failed: defineCounter(registry, {
      name: 'appgov_notifications_failed_total',
      help: 'Notification delivery attempts that failed (retried or given up)',
      labelNames: ['channel'],
    }),
    webhookDuration: defineHistogram(registry, {
      name: 'appgov_webhook_delivery_duration_seconds',
      help: 'Duration of one webhook delivery attempt (the POST), by outcome',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
  };
  // Every label value exported from the start: a quiet system still has the series.
  for (const channel of ['email', 'webhook']) {
    m.sent.inc({ channel }, 0);
    m.failed.inc({ channel }, 0);
  }
  for (const outcome of ['delivered', 'pending', 'failed']) m.webhookDuration.zero({ outcome });
  return m;
}
