import type { AppLogger } from '@appgov/telemetry';

/** Options of {@link shutdownOnSignals}. */
export interface ShutdownOptions {
  /** A stop that hangs longer exits with 1 (default 30 000 ms, Kubernetes' default grace period). */
  graceMs?: number;
  /**
   * How long the process may outlive a finished stop before it exits anyway (default 2000 ms). Once
   * `stop` has resolved every guarantee is kept (offsets committed, outbox batch sent, pools
   * closed); whatever still holds the event loop (a library's retry timer, a stray socket) is
   * logged and not waited for.
   */
  lingerMs?: number;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT (Kubernetes sends SIGTERM, then SIGKILL after the grace
 * period): in-flight work finishes, consumers leave their groups, pools close, and the process
 * exits, with 0 unless `stop` threw or hung past the grace period.
 */
export function shutdownOnSignals(
  stop: () => Promise<void>,
  logger: AppLogger,
  options: ShutdownOptions = {},
): void {
  const graceMs = options.graceMs ?? 30_000;
  const lingerMs = options.lingerMs ?? 2000;
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
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
    logger.info({ durationMs: Math.round(performance.now() - started) }, 'stopped');
    // Normally the event loop is empty by now and the process ends before this fires.
    setTimeout(() => {
      logger.warn(
        { lingerMs, activeResources: process.getActiveResourcesInfo() },
        'still running after stop; exiting',
      );
      process.exit();
    }, lingerMs).unref();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
