import type { DlqAttempt } from '@appgov/contracts';
import { AppError, errorMessage, isDependencyOutage, isRetryable } from '@appgov/errors';
import type { ConsumerMetrics } from './consumer-metrics.js';
import type { KafkaLogger } from './kafka-logger.js';
import { type BackoffOptions, backoffDelay, sleep } from './retry-backoff.js';

/** null: an attempt succeeded; the failed attempts when the policy gave up; 'aborted' on stop(). */
export type RetryResult = DlqAttempt[] | null | 'aborted';

/** Runs `attempt` (given its 1-based number) under the consumer's retry policy. */
export type WithRetries = (
  label: Record<string, unknown>,
  topic: string,
  heartbeat: () => Promise<void>,
  attempt: (n: number) => Promise<void>,
) => Promise<RetryResult>;

interface RetryPolicyOptions {
  maxAttempts: number;
  backoff: BackoffOptions | undefined;
  metrics: ConsumerMetrics;
  logger: KafkaLogger;
  signal: AbortSignal;
}

// Longest pause between two tries of a message whose dependency is down.
const OUTAGE_MAX_DELAY_MS = 10_000;

/**
 * Bounded retries with backoff; a non-retryable error gives up at once. Outages of Kafka, Postgres
 * or Redis do not use up attempts: the message waits for the dependency (SPEC §11).
 */
export function createRetryPolicy(options: RetryPolicyOptions): WithRetries {
  const { maxAttempts, metrics, logger, signal } = options;
  return async (label, topic, heartbeat, attempt) => {
    const failures: DlqAttempt[] = [];
    let outageTries = 0;
    for (let n = 1; n <= maxAttempts; ) {
      try {
        await attempt(n);
        return null;
      } catch (error) {
        metrics.handlerErrors.inc({ topic });
        if (signal.aborted) return 'aborted';
        let delay: number;
        const outage = isDependencyOutage(error);
        if (outage) {
          // Not the message's fault: same attempt number again once the dependency answers.
          outageTries += 1;
          if (outageTries === 1 || outageTries % 10 === 0)
            logger.warn({ ...label, attempt: n, outageTries, err: error }, 'handler waits for a dependency');
          delay = backoffDelay(outageTries, { baseMs: 500, maxMs: OUTAGE_MAX_DELAY_MS });
        } else {
          failures.push({
            at: new Date().toISOString(),
            error: errorMessage(error),
            ...(error instanceof AppError ? { code: error.code } : {}),
          });
          const retryable = isRetryable(error);
          logger.warn({ ...label, attempt: n, maxAttempts, retryable, err: error }, 'handler failed');
          if (!retryable || n === maxAttempts) break;
          delay = backoffDelay(n, options.backoff);
          n += 1;
        }
        // While Kafka itself is away the heartbeat fails too, and the wait goes on regardless; otherwise
        // its error (a rebalance) ends the batch as before.
        if (outage) await heartbeat().catch(() => undefined);
        else await heartbeat();
        if (!(await sleep(delay, signal))) return 'aborted';
      }
    }
    return failures;
  };
}
