/** Injected misbehaviour for one org, for resilience tests. Rates are probabilities per request (0..1). */
export interface Faults {
  /** Delay before every /api/v1 response. */
  latencyMs?: number;
  /** Share of requests answered 500 E0000009. */
  errorRate?: number;
  /** Share of requests whose socket is destroyed without a response. */
  resetRate?: number;
  /** Extra delay on paged list responses. */
  slowPageMs?: number;
  /** Until this epoch-ms instant every /api/v1 request gets 429 E0000047. */
  stormUntil?: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
