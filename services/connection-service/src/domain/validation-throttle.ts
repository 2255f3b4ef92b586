// Issue 13 (SPEC S2): validation attempts are limited per tenant and domain, so one tenant cannot
// spend an org's Okta rate limit (every wrong token is still a call to that org) on behalf of the
// tenants that really own it. Per process and in memory: a bound per replica, without a Redis hop.
import { RateLimitedError } from '@appgov/errors';
import type { OktaClientFactory } from '@appgov/okta-client';

/** Attempts per (tenant, domain) per window. */
export const VALIDATIONS_PER_WINDOW = 20;
const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

interface Window {
  startedAt: number;
  count: number;
}

class ValidationThrottle {
  readonly #windows = new Map<string, Window>();

  take(tenant: string, domain: string, now: number): void {
    const key = `${tenant}\u0000${domain}`;
    let w = this.#windows.get(key);
    if (!w || now - w.startedAt >= WINDOW_MS) {
      this.#windows.delete(key);
      w = { startedAt: now, count: 0 };
      while (this.#windows.size >= MAX_KEYS)
        this.#windows.delete(this.#windows.keys().next().value as string);
      this.#windows.set(key, w);
    }
    if (w.count >= VALIDATIONS_PER_WINDOW) {
      throw new RateLimitedError(
        'CONNECTION_VALIDATION_RATE_LIMITED',
        `Too many validation attempts for ${domain}; try again in a minute.`,
        { retryAfterMs: WINDOW_MS - (now - w.startedAt), details: { domain } },
      );
    }
    w.count++;
  }
}

// One throttle per Okta client factory, i.e. per service instance (tests get their own).
const throttles = new WeakMap<OktaClientFactory, ValidationThrottle>();

/** Counts one validation attempt of `tenant` against `domain`; 429 past the bound. */
export function takeValidationAttempt(okta: OktaClientFactory, tenant: string, domain: string): void {
  let throttle = throttles.get(okta);
  if (!throttle) {
    throttle = new ValidationThrottle();
    throttles.set(okta, throttle);
  }
  throttle.take(tenant, domain, Date.now());
}
