import t from 'tap';
import { createMetricsRegistry, defineCounter, defineHistogram } from '../src/index.js';

t.test('registry has default metrics and helpers register once', async (t) => {
  const registry = createMetricsRegistry('metrics-test');
  const a = defineCounter(registry, { name: 'appgov_things_total', help: 'things', labelNames: ['kind'] });
  const b = defineCounter(registry, { name: 'appgov_things_total', help: 'things', labelNames: ['kind'] });
  t.equal(a, b);
  a.inc({ kind: 'x' });
  defineHistogram(registry, { name: 'appgov_work_duration_seconds', help: 'work' }).observe(0.2);
  const text = await registry.metrics();
  t.match(text, /appgov_things_total\{kind="x",service="metrics-test"\} 1/);
  t.match(text, /process_cpu_user_seconds_total/);
  t.throws(() => defineCounter(registry, { name: 'things', help: 'bad' }));
  t.throws(() => defineCounter(registry, { name: 'appgov_things', help: 'bad' }));
});
