// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { readConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createRuntime } from './runtime.js';

// The process: config, telemetry, runtime, listen, and a clean stop on SIGTERM/SIGINT.
const config = readConfig();
const runtime = await createRuntime(config);
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  try {
    await runtime.stop();
    await telemetry.shutdown();
  } catch (err) {
    runtime.logger.error({ err }, 'shutdown failed');
    process.exitCode = 1;
  }
  clearTimeout(force);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
try {
  await runtime.start();
  await runtime.app.listen({ port: config.PORT, host: config.HOST });
} catch (err) {
  runtime.logger.fatal({ err }, 'connection-service failed to start');
  await runtime.stop().catch(() => {});
  process.exit(1);
}
