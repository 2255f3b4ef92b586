// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { shutdownOnSignals } from '@appgov/http';
import { loadConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createService } from './service.js';

// The process: config, service, listen, and a clean stop on SIGTERM/SIGINT; a failed start stops
// what started and exits 1.
const config = loadConfig();
const service = await createService(config);
shutdownOnSignals(async () => {
  await service.stop();
  await telemetry.shutdown();
}, service.logger);
try {
  await service.start();
  await service.app.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  service.logger.fatal({ err }, 'console failed to start');
  await service.stop().catch(() => {});
  await telemetry.shutdown().catch(() => {});
  process.exit(1);
}
