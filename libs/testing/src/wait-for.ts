/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /**
   * Default 30 s: what tests wait for mostly sits behind a Kafka consumer group join, an outbox poll
   * or a retry backoff, which on a loaded 2-core CI machine take several seconds.
   */
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error. */
  description?: string;
}

/**
 * Calls `fn` until it returns a truthy value (which is returned) or the timeout passes; errors
 * thrown by `fn` count as "not yet" and the last one is the timeout error's cause.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 30_000, intervalMs = 50, description = 'condition' }: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
