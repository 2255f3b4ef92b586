import { shutdownOnSignals } from '@appgov/http';
import type { AppLogger, Telemetry } from '@appgov/telemetry';

/** The parts of a built service that its process drives (every service's createService returns them). */
export interface RunnableService {
  app: { listen(options: { port: number; host: string }): Promise<unknown> };
  logger: AppLogger;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A service's process: build it, stop it cleanly on SIGTERM/SIGINT, listen, start. Listening comes
 * first so /readyz answers (503, naming what it waits for) while start() runs; a failed start stops
 * what started, flushes traces and exits 1. server.ts imports its instrumentation before calling this.
 */
export async function runServiceProcess<C extends { PORT: number; HOST: string }>(options: {
  name: string;
  config: C;
  telemetry: Pick<Telemetry, 'shutdown'>;
  createService: (config: C) => Promise<RunnableService>;
}): Promise<void> {
  const { name, config, telemetry } = options;
  const service = await options.createService(config);
  shutdownOnSignals(async () => {
    await service.stop();
    await telemetry.shutdown();
  }, service.logger);
  try {
    await service.app.listen({ port: config.PORT, host: config.HOST });
    await service.start();
  } catch (err) {
    service.logger.fatal({ err }, `${name} failed to start`);
    await service.stop().catch(() => {});
    await telemetry.shutdown().catch(() => {});
    process.exit(1);
  }
}
