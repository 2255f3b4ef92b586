#!/usr/bin/env node
// Writes the Grafana dashboards (schemaVersion 39) next to this file, one JSON per dashboard.
// The JSON files are committed (Grafana and the Helm chart read them); edit this script, run
// `node deploy/observability/dashboards/generate.mjs`, and `scripts/test-deploy.sh` fails when
// the JSON and this script disagree (`--check` compares without writing).
// Every query filters on $namespace so one Grafana can watch several installs; the `service`
// label is prom-client's default label set by libs/telemetry (connection-service, ...).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DS = { type: 'prometheus', uid: '${datasource}' };
// Every query is narrowed by the three variables every dashboard has: namespace, service, instance.
const NS = 'namespace=~"$namespace",service=~"$service",instance=~"$instance"';
const HTTP_COUNT = 'appgov_http_request_duration_seconds_count';

function variables(extra = []) {
  return {
    list: [
      {
        name: 'datasource',
        label: 'Data source',
        type: 'datasource',
        query: 'prometheus',
        current: {},
        hide: 0,
        refresh: 1,
        regex: '',
        skipUrlSync: false,
      },
      queryVariable('namespace', 'Namespace', HTTP_COUNT, 'namespace'),
      queryVariable('service', 'Service', `${HTTP_COUNT}{namespace=~"$namespace"}`, 'service'),
      queryVariable('instance', 'Instance', `${HTTP_COUNT}{namespace=~"$namespace",service=~"$service"}`, 'instance'),
      ...extra,
    ],
  };
}

function queryVariable(name, label, metric, labelName) {
  const definition = `label_values(${metric}, ${labelName})`;
  return {
    name,
    label,
    type: 'query',
    datasource: DS,
    definition,
    query: { query: definition, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    current: {},
    includeAll: true,
    multi: true,
    // Matches series without the label too (e.g. Prometheus outside Kubernetes has no namespace).
    allValue: '.*',
    refresh: 2,
    sort: 1,
    hide: 0,
    regex: '',
    skipUrlSync: false,
  };
}

class Layout {
  #id = 0;
  #y = 0;
  #x = 0;
  #rowHeight = 0;
  panels = [];

  row(title) {
    this.#newLine();
    this.panels.push({
      id: ++this.#id,
      type: 'row',
      title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y: this.#y },
      panels: [],
    });
    this.#y += 1;
  }

  add(panel, w, h) {
    if (this.#x + w > 24) this.#newLine();
    this.panels.push({ id: ++this.#id, ...panel, gridPos: { h, w, x: this.#x, y: this.#y } });
    this.#x += w;
    this.#rowHeight = Math.max(this.#rowHeight, h);
  }

  #newLine() {
    this.#y += this.#rowHeight;
    this.#x = 0;
    this.#rowHeight = 0;
  }
}

function targets(queries) {
  return queries.map(([expr, legendFormat], i) => ({
    datasource: DS,
    expr,
    legendFormat: legendFormat ?? '__auto',
    range: true,
    refId: String.fromCharCode(65 + i),
  }));
}

function timeseries(title, description, queries, { unit = 'short', stack = false, min, max, thresholds } = {}) {
  return {
    type: 'timeseries',
    title,
    description,
    datasource: DS,
    targets: targets(queries),
    fieldConfig: {
      defaults: {
        unit,
        ...(min === undefined ? {} : { min }),
        ...(max === undefined ? {} : { max }),
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: stack ? 30 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: stack ? 'normal' : 'none', group: 'A' },
          ...(thresholds ? { thresholdsStyle: { mode: 'line' } } : {}),
        },
        thresholds: thresholds ?? { mode: 'absolute', steps: [{ color: 'green', value: null }] },
      },
      overrides: [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

function stat(title, description, expr, { unit = 'short', steps, decimals } = {}) {
  return {
    type: 'stat',
    title,
    description,
    datasource: DS,
    targets: targets([[expr, title]]).map((t) => ({ ...t, instant: true, range: false })),
    fieldConfig: {
      defaults: {
        unit,
        ...(decimals === undefined ? {} : { decimals }),
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: steps ?? [{ color: 'green', value: null }] },
      },
      overrides: [],
    },
    options: {
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    },
  };
}

const red = (value) => ({ color: 'red', value });
const amber = (value) => ({ color: 'orange', value });
const green = { color: 'green', value: null };

function dashboard({ uid, title, description, layout, extraVariables }) {
  return {
    uid,
    title,
    description,
    tags: ['appgov'],
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    schemaVersion: 39,
    version: 1,
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [{ type: 'dashboards', tags: ['appgov'], asDropdown: true, title: 'Appgov', includeVars: true, keepTime: true }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: variables(extraVariables),
    panels: layout.panels,
  };
}

function syncHealth() {
  const l = new Layout();
  const syncs = `appgov_syncs_total{${NS}}`;
  l.row('Overview');
  l.add(stat('Syncs completed (24h)', 'Syncs that read every dataset they could.', `sum(increase(appgov_syncs_total{${NS},outcome="completed"}[24h]))`, { decimals: 0 }), 6, 4);
  l.add(stat('Syncs failed (24h)', 'Syncs that stopped without completing (cancellations excluded).', `sum(increase(appgov_syncs_total{${NS},outcome="failed"}[24h]))`, { decimals: 0, steps: [green, amber(1)] }), 6, 4);
  l.add(stat('Failure ratio (1h)', 'Failed / (failed + completed) over the last hour; alert at 25%.', `sum(increase(appgov_syncs_total{${NS},outcome="failed"}[1h])) / sum(increase(appgov_syncs_total{${NS},outcome=~"completed|failed"}[1h]))`, { unit: 'percentunit', steps: [green, amber(0.1), red(0.25)] }), 6, 4);
  l.add(stat('Stale connections', 'Connections whose last successful sync is older than their schedule allows.', `max(appgov_connections_stale{${NS}})`, { decimals: 0, steps: [green, red(1)] }), 6, 4);
  l.add(stat('Running syncs', 'Syncs the ingest replicas run now (appgov_sync_running_jobs).', `sum(appgov_sync_running_jobs{${NS}})`, { decimals: 0 }), 6, 4);
  l.add(stat('Sync freshness SLI', 'Share of connections whose last applied sync is younger than twice their interval (SLO 99%).', `sum(max by (state) (appgov_connections_sync_freshness{${NS},state="fresh"})) / sum(max by (state) (appgov_connections_sync_freshness{${NS}}))`, { unit: 'percentunit', decimals: 2, steps: [red(null), amber(0.99), { color: 'green', value: 0.995 }] }), 6, 4);
  l.add(stat('Freshness budget burn (1h)', 'Error-budget burn rate of the freshness SLO over 1 hour; pages at 14.4 (with 5m).', `max(appgov:sync_freshness:burnrate1h{${NS.split(',')[0]}})`, { decimals: 1, steps: [green, amber(1), red(14.4)] }), 6, 4);
  l.add(stat('Connections late', 'Connections whose last applied sync is older than twice their interval.', `max(appgov_connections_sync_freshness{${NS},state="late"})`, { decimals: 0, steps: [green, red(1)] }), 6, 4);
  l.row('Syncs');
  l.add(timeseries('Syncs by outcome', 'Finished syncs per interval.', [[`sum by (outcome) (increase(${syncs}[$__rate_interval]))`, '{{outcome}}']], { stack: true }), 12, 8);
  l.add(timeseries('Failures by reason', 'invalid_token / org_not_found need the customer; okta_unavailable, rate_limited and circuit_open point at Okta; internal at us.', [[`sum by (reason) (increase(appgov_syncs_total{${NS},outcome="failed"}[$__rate_interval]))`, '{{reason}}']], { stack: true }), 12, 8);
  l.add(timeseries('Sync duration', 'Quantiles of completed sync duration.', [
    [`histogram_quantile(0.5, sum by (le) (rate(appgov_sync_duration_seconds_bucket{${NS},outcome="completed"}[$__rate_interval])))`, 'p50'],
    [`histogram_quantile(0.95, sum by (le) (rate(appgov_sync_duration_seconds_bucket{${NS},outcome="completed"}[$__rate_interval])))`, 'p95'],
    [`histogram_quantile(0.99, sum by (le) (rate(appgov_sync_duration_seconds_bucket{${NS},outcome="completed"}[$__rate_interval])))`, 'p99'],
  ], { unit: 's' }), 12, 8);
  l.add(timeseries('Connections by status', 'Connections per status (max over replicas: the gauge comes from the database).', [[`max by (status) (appgov_connections_by_status{${NS}})`, '{{status}}']], { stack: true }), 12, 8);
  l.row('Data flow');
  l.add(timeseries('Records read per dataset', 'Okta records ingest read, per second.', [[`sum by (dataset) (rate(appgov_sync_records_total{${NS}}[$__rate_interval]))`, '{{dataset}}']], { unit: 'rps', stack: true }), 12, 8);
  l.add(timeseries('Catalog rows written per dataset', 'Rows the catalog applied to PostgreSQL, per second (target: 50k/s sustained).', [[`sum by (dataset) (rate(appgov_catalog_rows_written_total{${NS}}[$__rate_interval]))`, '{{dataset}}']], { unit: 'rps', stack: true }), 12, 8);
  l.add(timeseries('Ingest memory (RSS)', 'Resident memory of each ingest-service process (target: under 300 MB during a sync).', [[`process_resident_memory_bytes{${NS},service="ingest-service"}`, '{{instance}}']], { unit: 'bytes', thresholds: { mode: 'absolute', steps: [green, red(300 * 1024 * 1024)] } }), 12, 8);
  l.add(timeseries('Stale connections', 'Over time.', [[`max(appgov_connections_stale{${NS}})`, 'stale']], { min: 0, thresholds: { mode: 'absolute', steps: [green, red(1)] } }), 12, 8);
  l.add(timeseries('Running syncs by replica', 'appgov_sync_running_jobs per ingest process.', [[`sum by (instance) (appgov_sync_running_jobs{${NS}})`, '{{instance}}']], { min: 0, stack: true }), 12, 8);
  l.add(timeseries('Sync freshness', 'Connections fresh / late (last applied sync younger / older than twice the interval).', [[`max by (state) (appgov_connections_sync_freshness{${NS}})`, '{{state}}']], { min: 0, stack: true }), 12, 8);
  return dashboard({ uid: 'appgov-sync-health', title: 'Appgov / Sync health', description: 'Okta sync outcomes, durations, record flow and stale connections.', layout: l });
}

function oktaUsage() {
  const l = new Layout();
  l.row('Overview');
  l.add(stat('Okta calls/s', 'All buckets.', `sum(rate(appgov_okta_calls_total{${NS}}[5m]))`, { unit: 'reqps' }), 6, 4);
  l.add(stat('429 ratio (15m)', 'Rate-limited share of calls; target under 1%.', `sum(rate(appgov_okta_429_total{${NS}}[15m])) / sum(rate(appgov_okta_calls_total{${NS}}[15m]))`, { unit: 'percentunit', steps: [green, amber(0.005), red(0.01)] }), 6, 4);
  l.add(stat('Lowest rate-limit headroom', 'Smallest remaining/limit ratio over all buckets.', `min(appgov_okta_rate_limit_remaining_ratio{${NS}})`, { unit: 'percentunit', steps: [red(null), amber(0.1), { color: 'green', value: 0.25 }] }), 6, 4);
  l.add(stat('Open circuits', 'Okta org breakers currently open.', `sum(appgov_okta_circuit_state{${NS},state="open"})`, { decimals: 0, steps: [green, red(1)] }), 6, 4);
  l.row('Calls');
  l.add(timeseries('Calls by bucket', 'Okta rate-limit buckets (endpoint families).', [[`sum by (bucket) (rate(appgov_okta_calls_total{${NS}}[$__rate_interval]))`, '{{bucket}}']], { unit: 'reqps', stack: true }), 12, 8);
  l.add(timeseries('Calls by status', '"network" counts resets and timeouts with no HTTP answer.', [[`sum by (status) (rate(appgov_okta_calls_total{${NS}}[$__rate_interval]))`, '{{status}}']], { unit: 'reqps', stack: true }), 12, 8);
  l.add(timeseries('Call duration p95 by bucket', 'One HTTP attempt, retries counted separately.', [[`histogram_quantile(0.95, sum by (le, bucket) (rate(appgov_okta_call_duration_seconds_bucket{${NS}}[$__rate_interval])))`, '{{bucket}}']], { unit: 's' }), 12, 8);
  l.add(timeseries('Call duration p50 by bucket', 'Median of one HTTP attempt per bucket.', [[`histogram_quantile(0.5, sum by (le, bucket) (rate(appgov_okta_call_duration_seconds_bucket{${NS}}[$__rate_interval])))`, '{{bucket}}']], { unit: 's' }), 12, 8);
  l.row('Rate limits and breakers');
  l.add(timeseries('Rate-limit headroom by bucket', 'X-Rate-Limit-Remaining / X-Rate-Limit-Limit of the latest response (lowest over processes).', [[`min by (bucket) (appgov_okta_rate_limit_remaining_ratio{${NS}})`, '{{bucket}}']], { unit: 'percentunit', min: 0, max: 1 }), 12, 8);
  l.add(timeseries('429s by bucket', 'Rate-limited responses per second.', [[`sum by (bucket) (rate(appgov_okta_429_total{${NS}}[$__rate_interval]))`, '{{bucket}}']], { unit: 'reqps', stack: true }), 12, 8);
  l.add(timeseries('Circuit breakers by state', 'Number of per-org breakers in each state.', [[`sum by (state) (appgov_okta_circuit_state{${NS}})`, '{{state}}']], { stack: true, min: 0 }), 24, 8);
  return dashboard({ uid: 'appgov-okta-usage', title: 'Appgov / Okta API usage', description: 'Okta API calls, latency, rate-limit headroom, 429s and circuit breakers.', layout: l });
}

function kafkaPipeline() {
  const l = new Layout();
  l.row('Overview');
  l.add(stat('Total consumer lag', 'Messages not yet processed, all groups.', `sum(appgov_kafka_consumer_lag{${NS}})`, { decimals: 0, steps: [green, amber(1000), red(10000)] }), 6, 4);
  l.add(stat('Consumed/s', 'All topics.', `sum(rate(appgov_kafka_messages_consumed_total{${NS}}[5m]))`, { unit: 'ops' }), 6, 4);
  l.add(stat('DLQ (24h)', 'Messages dead-lettered in the last day.', `sum(increase(appgov_kafka_dlq_messages_total{${NS}}[24h]))`, { decimals: 0, steps: [green, red(1)] }), 6, 4);
  l.add(stat('Outbox pending', 'Committed events not yet published, all services.', `sum(max by (service) (appgov_outbox_pending_messages{${NS}}))`, { decimals: 0, steps: [green, amber(100), red(1000)] }), 6, 4);
  l.row('Consumers');
  l.add(timeseries('Consumer lag by group and topic', 'High watermark − next offset, summed over partitions.', [[`sum by (group, topic) (appgov_kafka_consumer_lag{${NS}})`, '{{group}} / {{topic}}']]), 12, 8);
  l.add(timeseries('Consumed by topic and outcome', 'ok, dlq or skipped.', [[`sum by (topic, outcome) (rate(appgov_kafka_messages_consumed_total{${NS}}[$__rate_interval]))`, '{{topic}} {{outcome}}']], { unit: 'ops' }), 12, 8);
  l.add(timeseries('Handler errors by topic', 'Failed handler attempts (each retry counts).', [[`sum by (topic) (rate(appgov_kafka_handler_errors_total{${NS}}[$__rate_interval]))`, '{{topic}}']], { unit: 'ops' }), 12, 8);
  l.add(timeseries('DLQ by reason', 'Messages sent to appgov.dlq.v1 per interval.', [[`sum by (reason) (increase(appgov_kafka_dlq_messages_total{${NS}}[$__rate_interval]))`, '{{reason}}']], { stack: true }), 12, 8);
  l.add(timeseries('Lag by partition', 'Find the one stuck partition.', [[`max by (group, topic, partition) (appgov_kafka_consumer_lag{${NS}})`, '{{group}} {{topic}}[{{partition}}]']]), 24, 8);
  l.row('Transactional outbox');
  l.add(timeseries('Outbox pending by service', 'Rows waiting for the relay (as of its last round).', [[`max by (service) (appgov_outbox_pending_messages{${NS}})`, '{{service}}']]), 8, 8);
  l.add(timeseries('Outbox published by topic', 'Events the relay published per second.', [[`sum by (topic) (rate(appgov_outbox_published_total{${NS}}[$__rate_interval]))`, '{{topic}}']], { unit: 'ops' }), 8, 8);
  l.add(timeseries('Outbox send failures', 'Relay batches whose send failed.', [[`sum by (service) (increase(appgov_outbox_send_failures_total{${NS}}[$__rate_interval]))`, '{{service}}']]), 8, 8);
  l.row('Notifications');
  l.add(timeseries('Notifications sent by channel', 'Emails accepted by SMTP and webhooks answered 2xx, per second.', [[`sum by (channel) (rate(appgov_notifications_sent_total{${NS}}[$__rate_interval]))`, '{{channel}}']], { unit: 'ops' }), 12, 8);
  l.add(timeseries('Notifications failed by channel', 'Failed delivery attempts (retried or given up); alert on a sustained rate.', [[`sum by (channel) (rate(appgov_notifications_failed_total{${NS}}[$__rate_interval]))`, '{{channel}}']], { unit: 'ops', thresholds: { mode: 'absolute', steps: [green, red(0.1)] } }), 12, 8);
  l.add(timeseries('Email queue', 'Emails pending (waiting for SMTP or a retry) and failed (given up), from the database.', [[`max by (status) (appgov_email_queue_messages{${NS}})`, '{{status}}']], { min: 0 }), 8, 8);
  l.add(timeseries('Oldest pending email', 'Age of the oldest email still waiting for SMTP.', [[`max(appgov_email_queue_oldest_pending_seconds{${NS}})`, 'oldest']], { unit: 's', min: 0, thresholds: { mode: 'absolute', steps: [green, amber(600), red(3600)] } }), 8, 8);
  l.add(timeseries('Webhook delivery latency', 'One POST to a subscriber, p50 and p95 over all outcomes.', [
    [`histogram_quantile(0.5, sum by (le) (rate(appgov_webhook_delivery_duration_seconds_bucket{${NS}}[$__rate_interval])))`, 'p50'],
    [`histogram_quantile(0.95, sum by (le) (rate(appgov_webhook_delivery_duration_seconds_bucket{${NS}}[$__rate_interval])))`, 'p95'],
  ], { unit: 's' }), 8, 8);
  l.row('Dependencies');
  l.add(timeseries('PostgreSQL pool by service', 'Clients open and idle, and queries waiting for a client (waiting > 0 for long: pool too small or a slow query).', [[`sum by (service, state) (appgov_db_pool_connections{${NS}})`, '{{service}} {{state}}']], { min: 0 }), 12, 8);
  l.add(timeseries('Vault errors by code', 'Failed Vault calls per interval (VAULT_UNAVAILABLE: sealed or unreachable; VAULT_FORBIDDEN: policy).', [[`sum by (service, code) (increase(appgov_vault_errors_total{${NS}}[$__rate_interval]))`, '{{service}} {{code}}']], { min: 0, thresholds: { mode: 'absolute', steps: [green, red(1)] } }), 12, 8);
  return dashboard({ uid: 'appgov-kafka-pipeline', title: 'Appgov / Kafka pipeline', description: 'Consumer lag and outcomes, handler errors, DLQ, transactional outbox and notifications.', layout: l });
}

function httpRed() {
  const l = new Layout();
  const sel = NS;
  const api = `${sel},route!~"/healthz|/readyz|/metrics"`;
  l.row('Rate, errors, duration');
  l.add(timeseries('Requests by service', 'Requests per second (health, readiness and metrics included).', [[`sum by (service) (rate(appgov_http_request_duration_seconds_count{${sel}}[$__rate_interval]))`, '{{service}}']], { unit: 'reqps', stack: true }), 8, 8);
  l.add(timeseries('5xx ratio by service', 'Share of requests answered with a server error; alert at 5%.', [[`(sum by (service) (rate(appgov_http_request_duration_seconds_count{${sel},status=~"5.."}[$__rate_interval])) or 0 * sum by (service) (rate(appgov_http_request_duration_seconds_count{${sel}}[$__rate_interval]))) / sum by (service) (rate(appgov_http_request_duration_seconds_count{${sel}}[$__rate_interval]))`, '{{service}}']], { unit: 'percentunit', min: 0, thresholds: { mode: 'absolute', steps: [green, red(0.05)] } }), 8, 8);
  l.add(timeseries('p99 latency by service', 'Slowest 1% of requests, all routes; the latency SLO counts requests over 500 ms.', [[`histogram_quantile(0.99, sum by (le, service) (rate(appgov_http_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`, '{{service}}']], { unit: 's', thresholds: { mode: 'absolute', steps: [green, amber(0.25), red(0.5)] } }), 8, 8);
  l.row('Service-level objectives');
  l.add(timeseries('API availability (SLO 99.9%)', 'Share of API requests (health and metrics excluded) not answered with a 5xx, over 1 hour.', [[`1 - ((sum by (service) (rate(appgov_http_request_duration_seconds_count{${api},status=~"5.."}[1h])) or 0 * sum by (service) (rate(appgov_http_request_duration_seconds_count{${api}}[1h]))) / sum by (service) (rate(appgov_http_request_duration_seconds_count{${api}}[1h])))`, '{{service}}']], { unit: 'percentunit', max: 1, thresholds: { mode: 'absolute', steps: [red(null), { color: 'green', value: 0.999 }] } }), 12, 8);
  l.add(timeseries('API latency (SLO 99% under 500 ms)', 'Share of API requests answered within 500 ms, over 1 hour.', [[`sum by (service) (rate(appgov_http_request_duration_seconds_bucket{${api},le="0.5"}[1h])) / sum by (service) (rate(appgov_http_request_duration_seconds_count{${api}}[1h]))`, '{{service}}']], { unit: 'percentunit', max: 1, thresholds: { mode: 'absolute', steps: [red(null), { color: 'green', value: 0.99 }] } }), 12, 8);
  l.row('Routes');
  l.add(timeseries('Requests by route and status', 'Per route template, method and status code.', [[`sum by (service, method, route, status) (rate(appgov_http_request_duration_seconds_count{${sel}}[$__rate_interval]))`, '{{service}} {{method}} {{route}} {{status}}']], { unit: 'reqps' }), 12, 9);
  l.add(timeseries('p95 latency by route', 'Catalog app queries target p99 < 50 ms.', [[`histogram_quantile(0.95, sum by (le, service, method, route) (rate(appgov_http_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`, '{{service}} {{method}} {{route}}']], { unit: 's' }), 12, 9);
  l.add(timeseries('4xx by route', 'Client errors: auth, validation, not found, rate limits (429).', [[`sum by (service, route, status) (rate(appgov_http_request_duration_seconds_count{${sel},status=~"4.."}[$__rate_interval]))`, '{{service}} {{route}} {{status}}']], { unit: 'reqps' }), 12, 8);
  l.add(timeseries('p50 latency by service', 'Median request duration, all routes.', [[`histogram_quantile(0.5, sum by (le, service) (rate(appgov_http_request_duration_seconds_bucket{${sel}}[$__rate_interval])))`, '{{service}}']], { unit: 's' }), 12, 8);
  l.row('Processes');
  l.add(timeseries('CPU by instance', 'CPU seconds per second of each process (1 = one core).', [[`sum by (service, instance) (rate(process_cpu_seconds_total{${sel}}[$__rate_interval]))`, '{{service}} {{instance}}']], { unit: 'percentunit' }), 8, 8);
  l.add(timeseries('Resident memory by instance', 'RSS of each process; compare with the container memory limit.', [[`process_resident_memory_bytes{${sel}}`, '{{service}} {{instance}}']], { unit: 'bytes' }), 8, 8);
  l.add(timeseries('Event loop lag p99', 'Node.js event-loop delay; sustained values over 100 ms delay every request and heartbeat.', [[`max by (service, instance) (nodejs_eventloop_lag_p99_seconds{${sel}})`, '{{service}} {{instance}}']], { unit: 's', thresholds: { mode: 'absolute', steps: [green, amber(0.05), red(0.1)] } }), 8, 8);
  return dashboard({
    uid: 'appgov-http-red',
    title: 'Appgov / HTTP RED',
    description: 'Request rate, errors and duration of the Appgov services, per service and route.',
    layout: l,
  });
}

const dashboards = {
  'sync-health.json': syncHealth(),
  'okta-api-usage.json': oktaUsage(),
  'kafka-pipeline.json': kafkaPipeline(),
  'http-red.json': httpRed(),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, body] of Object.entries(dashboards)) {
  const path = join(here, file);
  const text = `${JSON.stringify(body, null, 2)}\n`;
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${file} differs from generate.mjs: run node deploy/observability/dashboards/generate.mjs`);
      stale++;
    }
  } else {
    writeFileSync(path, text);
  }
}
process.exit(stale ? 1 : 0);
