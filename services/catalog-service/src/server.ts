// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { shutdownOnSignals } from '@appgov/http';
import { createLogger } from '@appgov/telemetry';
import { startCatalogService } from './catalog-service.js';
import { loadCatalogConfig } from './config.js';
import { telemetry } from './instrumentation.js';

// The process: config, the service, listen, and a clean stop on SIGTERM/SIGINT.
const config = loadCatalogConfig();
const logger = createLogger({ name: 'catalog-service', level: config.LOG_LEVEL });
// Listens as soon as the app is built: /readyz answers (503, naming what it waits for) during start.
const service = await startCatalogService(config, {
  logger,
  onAppReady: (app) => app.listen({ port: config.PORT, host: config.HOST }),
});
shutdownOnSignals(async () => {
  await service.stop();
  await telemetry.shutdown();
}, logger);
