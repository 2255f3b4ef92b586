// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { loadNotificationConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createService } from './service.js';

// The process: config, telemetry, start, listen, graceful shutdown on SIGTERM/SIGINT.
const config = loadNotificationConfig();
const service = await createService(config);
const { logger } = service;

let shuttingDown = false;
function shutdown(signal: string): void {
  if (shuttingDown) return;
  shuttingDown = true;
  void (async () => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await service.stop();
      await telemetry.shutdown();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
  })();
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));

try {
  await service.start();
  await service.app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  logger.fatal({ err: error }, 'notification-service failed to start');
  await service.stop().catch(() => {});
  process.exit(1);
}
