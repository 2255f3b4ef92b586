// One sync is one trace (SPEC 8): the connection-service HTTP request, the outbox → Kafka hop, the
// ingest-service job (recorded by a consumer, run later by the job runner) with its Okta calls, and
// the catalog-service writes to Postgres all share a trace id. The services export OTLP/HTTP JSON
// to a receiver in this test; no exported attribute may carry the Okta token or the Vault token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { deleteTopicsWithPrefix } from '@appgov/kafka';
import { startOktaSimulator } from '@appgov/okta-simulator';
import { dropSchemasWithPrefix, mintJwt, testEnv, uniqueName, waitFor } from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import t from 'tap';
import {
  freeServicePorts,
  type ServiceName,
  type ServiceProcess,
  serviceEnv,
  startService,
} from '../src/index.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
  scope: string;
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

/** A minimal OTLP/HTTP receiver: the exporter sends JSON (`application/json`), maybe gzipped. */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    // The services get the base URL and must append the spec's traces path themselves.
    if (req.url !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const text = raw.toString('utf8');
      bodies.push(text);
      try {
        const body = JSON.parse(text) as {
          resourceSpans?: {
            resource?: { attributes?: { key: string; value: OtlpValue }[] };
            scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
          }[];
        };
        for (const rs of body.resourceSpans ?? []) {
          const service =
            rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
          for (const ss of rs.scopeSpans ?? [])
            for (const span of ss.spans ?? []) spans.push({ ...span, service, scope: ss.scope?.name ?? '' });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** The OTLP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); exporters add /v1/traces. */
    baseUrl: `http://127.0.0.1:${port}`,
    spans,
    /** Every request body as received, for the secret scan. */
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : String(v.intValue));
};

t.test('one sync is one trace: HTTP → Kafka → ingest job → Okta calls → catalog writes', async (t) => {
  const prefix = uniqueName('otel')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const domain = `${prefix}.okta.com`;
  const tenant = `tenant-${prefix}`;
  // Registered first, so it runs last (teardowns run in reverse).
  t.teardown(async () => {
    await deleteTopicsWithPrefix(testEnv().KAFKA_BROKERS, `${prefix}.`);
    await dropSchemasWithPrefix(`${prefix}_`);
  });
  const okta = await startOktaSimulator({ orgs: [{ domain, size: 'tiny', seed: 11 }] });
  t.teardown(() => okta.close());
  const org = okta.sim.org(domain);
  const vault = await startVaultSimulator();
  t.teardown(() => vault.close());
  const otlp = await startOtlpReceiver();
  t.teardown(() => otlp.close());

  const names: ServiceName[] = ['connection-service', 'ingest-service', 'catalog-service'];
  const ports = await freeServicePorts();
  const endpoints = {
    prefix,
    oktaPort: okta.port,
    vaultUrl: vault.url,
    vaultToken: vault.rootToken,
    smtpPort: 1,
    ports,
  };
  const procs: ServiceProcess[] = [];
  t.teardown(async () => {
    for (const p of [...procs].reverse()) await p.stop();
  });
  for (const name of names) {
    procs.push(
      await startService({
        name,
        port: ports[name],
        env: {
          ...serviceEnv(name, endpoints),
          SYNC_INTERVAL_SECONDS: '3600',
          RATE_LIMIT_PER_MINUTE: '100000',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.baseUrl,
          // Every service records the whole chain: the request's root span is sampled and each hop
          // follows its parent's flag (the default when exporting; set so that a change of default
          // cannot silently break this test).
          OTEL_TRACES_SAMPLER: 'parentbased_always_on',
          // Spans leave the services every 500 ms instead of every 5 s.
          OTEL_BSP_SCHEDULE_DELAY: '500',
        },
        readyTimeoutMs: 60_000,
      }),
    );
  }

  const admin = await mintJwt({ sub: 'admin-1', email: `admin@${prefix}.example`, tenant, roles: ['admin'] });
  const connUrl = `http://127.0.0.1:${ports['connection-service']}/v1/integrations/okta/connections`;
  const created = await fetch(connUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ domain, apiToken: org.token }),
  });
  t.equal(created.status, 201, 'connection created');
  const { id } = (await created.json()) as { id: string };

  // The request's server span: its trace is the one every later step must continue.
  const requestSpan = await waitFor(
    () =>
      otlp.spans.find(
        (s) =>
          s.service === 'connection-service' &&
          s.kind === SPAN_KIND_SERVER &&
          attr(s, 'http.request.method') === 'POST' &&
          (attr(s, 'url.path') ?? attr(s, 'http.target') ?? '').endsWith('/connections'),
      ),
    { timeoutMs: 20_000, description: 'the POST /connections server span' },
  );
  const traceId = requestSpan.traceId;
  const inTrace = (service: string) =>
    otlp.spans.filter((s) => s.traceId === traceId && s.service === service);

  // On failure, say which spans did arrive (per service, trace and name).
  t.teardown(() => {
    const seen = new Map<string, number>();
    for (const s of otlp.spans) {
      const k = `${s.traceId === traceId ? 'REQ' : s.traceId.slice(0, 8)} ${s.service} ${s.scope} ${s.name}`;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    if (t.passing()) return;
    t.comment([...seen].map(([k, n]) => `${n}x ${k}`).join('\n'));
  });
  const chain = await waitFor(
    () => {
      const ingest = inTrace('ingest-service');
      const catalog = inTrace('catalog-service');
      const sync = ingest.find((s) => s.name === 'ingest sync' && attr(s, 'appgov.connection_id') === id);
      const oktaCalls = ingest.filter(
        (s) => s.kind === SPAN_KIND_CLIENT && (attr(s, 'url.full') ?? '').includes(domain),
      );
      const datasets = ingest.filter((s) => s.name === 'ingest dataset');
      const catalogPg = catalog.filter((s) => s.scope.includes('instrumentation-pg'));
      const catalogConsumer = catalog.filter((s) => s.scope === '@appgov/kafka');
      return sync &&
        oktaCalls.length > 0 &&
        datasets.length > 0 &&
        catalogPg.length > 0 &&
        catalogConsumer.length > 0
        ? { sync, oktaCalls, datasets, catalogPg, catalogConsumer }
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, description: 'ingest and catalog spans in the request trace' },
  );
  t.pass(`trace ${traceId}: request → ingest sync → ${chain.oktaCalls.length} Okta calls → catalog pg`);
  t.ok(chain.datasets.length >= 3, `a span per dataset (${chain.datasets.length})`);
  t.ok(chain.catalogConsumer.length > 0, 'catalog consumer span in the same trace');
  t.ok(
    chain.oktaCalls.every((s) => s.scope.includes('undici')),
    'Okta calls traced by the undici instrumentation',
  );
  t.ok(
    chain.catalogPg.some((s) =>
      /insert|update|delete/i.test(attr(s, 'db.query.text') ?? attr(s, 'db.statement') ?? s.name),
    ),
    'catalog writes to Postgres are in the trace',
  );
  t.ok(
    inTrace('connection-service').some((s) => s.scope.includes('instrumentation-pg')),
    'connection-service pg spans in the trace',
  );

  // Secrets: neither the Okta token nor the Vault token is in anything the services exported.
  const exported = otlp.bodies.join('\n');
  t.notOk(exported.includes(org.token), 'no exported span carries the Okta token');
  t.notOk(exported.includes(vault.rootToken), 'no exported span carries the Vault token');
  t.notOk(/authorization/i.test(exported), 'no Authorization header recorded');
});
