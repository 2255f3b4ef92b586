import { type Counter, defineCounter, type Registry } from '@appgov/telemetry';

/** The service's own metrics (labels: channel = email | webhook; never tenant or domain). */
export interface NotificationMetrics {
  sent: Counter<'channel'>;
  failed: Counter<'channel'>;
}

export function notificationMetrics(registry: Registry): NotificationMetrics {
  return {
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
  };
}
