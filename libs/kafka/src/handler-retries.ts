import { setTimeout as sleep } from 'node:timers/promises';
import type { DlqAttempt } from '@appgov/contracts';
import {
  AppError,
  type BackoffPolicy,
  backoffDelayMs,
  errorMessage,
  isDependencyOutage,
  isRetryable,
} from '@appgov/errors';
import type { ConsumerMetrics } from './consumer-metrics.js';
import type { BackoffOptions } from './consumer-types.js';
import type { KafkaLogger } from './kafka-logger.js';

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

// A message whose dependency is down tries again at most every 10 s.
const OUTAGE_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 10_000, jitter: 'equal' };

/**
 * Bounded retries with backoff; a non-retryable error gives up at once. Outages of Kafka, Postgres
 * or Redis do not use up attempts: the message waits for the dependency (SPEC §11).
 */
export function createRetryPolicy(options: RetryPolicyOptions): WithRetries {
  const { maxAttempts, metrics, logger, signal } = options;
  // Equal jitter keeps a floor under each wait while replicas still spread.
  const policy: BackoffPolicy = {
    baseMs: options.backoff?.baseMs ?? 200,
    maxMs: options.backoff?.maxMs ?? 10_000,
    jitter: 'equal',
  };
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
          delay = backoffDelayMs(outageTries, OUTAGE_BACKOFF);
        } else {
          failures.push({
            at: new Date().toISOString(),
            error: errorMessage(error),
            ...(error instanceof AppError ? { code: error.code } : {}),
          });
          const retryable = isRetryable(error);
          logger.warn({ ...label, attempt: n, maxAttempts, retryable, err: error }, 'handler failed');
          if (!retryable || n === maxAttempts) break;
          delay = backoffDelayMs(n, policy);
          n += 1;
        }
        // While Kafka itself is away the heartbeat fails too, and the wait goes on regardless; otherwise
        // its error (a rebalance) ends the batch as before.
        if (outage) await heartbeat().catch(() => undefined);
        else await heartbeat();
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return 'aborted';
        }
      }
    }
    return failures;
  };
}
