import type { AppLogger } from '@appgov/telemetry';

/**
 * Runs `stop` once on SIGTERM or SIGINT (Kubernetes sends SIGTERM, then SIGKILL after the grace
 * period): in-flight work finishes, consumers leave their groups, pools close, and the process
 * exits on its own. A stop that hangs past `graceMs` exits with 1; a stop that throws sets exit 1.
 */
export function shutdownOnSignals(stop: () => Promise<void>, logger: AppLogger, graceMs = 30_000): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    force.unref();
    try {
      await stop();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    }
    clearTimeout(force);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
