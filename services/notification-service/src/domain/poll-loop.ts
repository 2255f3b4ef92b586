import type { AppLogger } from '@appgov/telemetry';

/**
 * Runs `round` until stopped: again at once while it reports work, else after `intervalMs`.
 * `stop()` waits for the round in flight, so nothing is cut off half-sent.
 */
export class PollLoop {
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(
    private readonly name: string,
    private readonly round: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly logger: AppLogger,
  ) {}

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Runs the next round now instead of after the interval. */
  poke(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let worked = 0;
      try {
        worked = await this.round();
      } catch (error) {
        this.logger.warn({ err: error, loop: this.name }, 'sender round failed; retrying');
      }
      if (!this.#running) break;
      if (worked > 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.intervalMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#wake = done;
      });
      this.#wake = undefined;
    }
  }
}
