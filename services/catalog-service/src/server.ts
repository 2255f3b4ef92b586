// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { createLogger } from '@appgov/telemetry';
import { startCatalogService } from './catalog-service.js';
import { loadCatalogConfig } from './config.js';
import { telemetry } from './instrumentation.js';

// The process: config, telemetry, the service, listen, graceful shutdown on SIGTERM/SIGINT.
const config = loadCatalogConfig();
const logger = createLogger({ name: 'catalog-service', level: config.LOG_LEVEL });
const service = await startCatalogService(config, { logger });
await service.app.listen({ port: config.PORT, host: config.HOST });

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const timer = setTimeout(() => process.exit(1), 30_000);
  timer.unref();
  await service.stop();
  await telemetry.shutdown();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
