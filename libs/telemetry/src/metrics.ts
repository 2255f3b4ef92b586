import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  Registry,
} from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

const METRIC_NAME = /^appgov_[a-z0-9]+(_[a-z0-9]+)*$/;

/** A prom-client registry with default process metrics and a `service` label on every series. */
export function createMetricsRegistry(serviceName: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: registry });
  return registry;
}

function checkName(name: string, suffix?: string): void {
  if (!METRIC_NAME.test(name)) throw new Error(`metric ${name} must be named appgov_<noun>_<unit>`);
  if (suffix && !name.endsWith(suffix)) throw new Error(`metric ${name} must end with ${suffix}`);
}

type Config<C> = Omit<C, 'registers'>;

/** Returns the registry's counter of that name, registering it on first use (`..._total`). */
export function defineCounter<L extends string>(
  registry: Registry,
  config: Config<CounterConfiguration<L>>,
): Counter<L> {
  checkName(config.name, '_total');
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ ...config, registers: [registry] });
}

/** Returns the registry's histogram of that name, registering it on first use (`..._seconds` etc.). */
export function defineHistogram<L extends string>(
  registry: Registry,
  config: Config<HistogramConfiguration<L>>,
): Histogram<L> {
  checkName(config.name);
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({ ...config, registers: [registry] });
}

/** Returns the registry's gauge of that name, registering it on first use. */
export function defineGauge<L extends string>(
  registry: Registry,
  config: Config<GaugeConfiguration<L>>,
): Gauge<L> {
  checkName(config.name);
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ ...config, registers: [registry] });
}
