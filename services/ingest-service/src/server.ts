// The ingest-service process: config, telemetry, migrations, topics, consumer, job runner, relay,
// listen; SIGTERM/SIGINT stop consumers after in-flight work and hand running syncs back.
// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { shutdownOnSignals } from '@appgov/http';
import { createLogger } from '@appgov/telemetry';
import { readConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createIngestService } from './service.js';

const config = readConfig();
const logger = createLogger({ name: 'ingest-service', level: config.LOG_LEVEL });
try {
  const service = await createIngestService(config, logger);
  shutdownOnSignals(async () => {
    await service.stop();
    await telemetry.shutdown();
  }, logger);
  // Listening first: /readyz answers (503, naming what it waits for) while start() runs.
  await service.app.listen({ port: config.PORT, host: config.HOST });
  await service.start();
} catch (err) {
  logger.fatal({ err }, 'ingest-service failed to start');
  await telemetry.shutdown().catch(() => {});
  process.exit(1);
}
