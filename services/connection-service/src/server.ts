// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { shutdownOnSignals } from '@appgov/http';
import { readConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createRuntime } from './runtime.js';

// The process: config, runtime, listen, and a clean stop on SIGTERM/SIGINT.
const config = readConfig();
const runtime = await createRuntime(config);
shutdownOnSignals(async () => {
  await runtime.stop();
  await telemetry.shutdown();
}, runtime.logger);
try {
  // Listening first: /readyz answers (503, naming what it waits for) while start() runs.
  await runtime.app.listen({ port: config.PORT, host: config.HOST });
  await runtime.start();
} catch (err) {
  runtime.logger.fatal({ err }, 'connection-service failed to start');
  await runtime.stop().catch(() => {});
  process.exit(1);
}
