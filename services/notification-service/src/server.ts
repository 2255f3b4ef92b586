// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { shutdownOnSignals } from '@appgov/http';
import { loadNotificationConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createService } from './service.js';

// The process: config, start, listen, and a clean stop on SIGTERM/SIGINT.
const config = loadNotificationConfig();
const service = await createService(config);
shutdownOnSignals(async () => {
  await service.stop();
  await telemetry.shutdown();
}, service.logger);
try {
  // Listening first: /readyz answers (503, naming what it waits for) while start() runs.
  await service.app.listen({ port: config.PORT, host: config.HOST });
  await service.start();
} catch (err) {
  service.logger.fatal({ err }, 'notification-service failed to start');
  await service.stop().catch(() => {});
  process.exit(1);
}
