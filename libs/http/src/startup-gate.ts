/**
 * A readiness check that fails until the service's `start()` has finished. Processes listen before
 * they start, so that `/readyz` can say why a start is waiting (e.g. topics a platform team has not
 * created yet) instead of refusing connections.
 */
export class StartupGate {
  #started = false;

  /** For `/readyz`: rejects while the service is starting. */
  readonly check = async (): Promise<void> => {
    if (!this.#started) throw Object.assign(new Error('starting'), { expose: true });
  };

  /** Called as the last step of `start()`. */
  open(): void {
    this.#started = true;
  }
}
