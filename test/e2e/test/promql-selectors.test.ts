// The selector extraction the observability test relies on: a selector it misses is a metric no one
// checks, so its cases are pinned here.
import { join } from 'node:path';
import t from 'tap';
import { repoRoot } from '../src/index.js';

const promql = (await import(join(repoRoot, 'deploy/observability/promql.mjs'))) as {
  selectorsOf(expr: string): string[];
  substituteVariables(expr: string): string;
  dashboardQueries(): { expr: string }[];
  alertRules(): { alert: string; expr: string }[];
};

t.test(
  'selectors with matchers, ranges, recording rules and up; no functions, labels or strings',
  async (t) => {
    t.same(
      promql.selectorsOf('sum by (namespace, reason) (increase(appgov_kafka_dlq_messages_total[15m])) > 0'),
      ['appgov_kafka_dlq_messages_total'],
    );
    t.same(
      promql.selectorsOf(
        'rate(appgov_http_request_duration_seconds_count{status=~"5..", route!~"/healthz|/metrics"}[5m])',
      ),
      ['appgov_http_request_duration_seconds_count{status=~"5..",route!~"/healthz|/metrics"}'],
    );
    t.same(
      promql.selectorsOf('appgov:api_latency:burnrate1h > 14.4 and appgov:api_latency:burnrate5m > 14.4'),
      ['appgov:api_latency:burnrate1h', 'appgov:api_latency:burnrate5m'],
    );
    t.same(
      promql.selectorsOf(
        'label_replace(absent(up{job=~".*ingest.*"}), "service", "appgov_not_a_metric", "", "")',
      ),
      ['up{job=~".*ingest.*"}'],
      'string arguments are not selectors',
    );
    t.same(
      promql.selectorsOf('max(process_resident_memory_bytes) and on () nodejs_eventloop_lag_p99_seconds'),
      ['process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'],
    );
  },
);

t.test('Grafana variables are substituted and every rule has selectors', async (t) => {
  t.equal(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
    promql.substituteVariables('rate(x{namespace=~"$namespace",service=~"${service}"}[$__rate_interval])'),
    'rate(x{namespace=~".*",service=~".*"}[1m])',
  );
  for (const q of promql.dashboardQueries())
    t.notMatch(q.expr, /\$/, `no variable left in ${q.expr.slice(0, 60)}`);
  for (const r of promql.alertRules())
    t.ok(promql.selectorsOf(r.expr).length > 0, `${r.alert} has selectors`);
});
