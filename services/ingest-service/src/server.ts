// The ingest-service process: config, telemetry, migrations, topics, consumer, job runner, relay,
// listen; SIGTERM/SIGINT stop consumers after in-flight work and hand running syncs back.
// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { createLogger } from '@appgov/telemetry';
import { readConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createIngestService } from './service.js';

const config = readConfig();
const logger = createLogger({ name: 'ingest-service', level: config.LOG_LEVEL });

try {
  const service = await createIngestService(config, logger);
  await service.start();
  await service.app.listen({ port: config.PORT, host: config.HOST });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await service.stop();
      await telemetry.shutdown();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exitCode = 1;
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'ingest-service failed to start');
  await telemetry.shutdown().catch(() => {});
  process.exit(1);
}
