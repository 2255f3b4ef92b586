// The schema-driven, property-based API fuzzer (issue 13). A stack of the four services runs as
// separate processes; for every operation of every service's OpenAPI document (served at
// /docs/json), fast-check draws requests from the operation's parameter and body schemas, valid and
// hostile (edge lengths, NUL bytes, lone surrogates, huge and negative numbers, wrong types,
// missing and extra fields, forged cursors, malformed bodies), as an admin, a viewer, an operator,
// nobody and a forged token, and asserts that every answer is one the document declares: no 5xx,
// a declared status, its declared media type (application/problem+json for errors) and a body that
// validates against the declared schema. Path ids come from what the fuzzer created, from another
// tenant's resources (which must stay untouched and answer 404, never 2xx) and from thin air.
//
// FUZZ_SEED replays a run (the seed is printed at the start and in every failure); FUZZ_RUNS sets
// the number of requests per operation.
import { mintJwt, uniqueName } from '@appgov/testing';
import fc from 'fast-check';
import t from 'tap';
import {
  type FuzzRequest,
  listOperations,
  type OpenApiDocument,
  type Operation,
  type Role,
  requestArbitrary,
} from '../src/fuzz/openapi-operations.js';
import { ResponseConformance } from '../src/fuzz/response-conformance.js';
import { startLocalStack } from '../src/local-stack.js';
import { SERVICE_NAMES, type ServiceName } from '../src/service-process.js';

const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const runs = Number(process.env.FUZZ_RUNS ?? 100);
t.setTimeout(300_000);
t.comment(`api fuzz: FUZZ_SEED=${seed} FUZZ_RUNS=${runs}`);

const prefix = uniqueName('fuzz')
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '');
const domain = `${prefix}.okta.com`;
const ownDomain = `${prefix}-own.okta.com`;
const tenant = `tenant-${prefix}`;
const bystander = `bystander-${prefix}`;

/** Creation first (so later operations see real ids), deletion last. */
function methodOrder(op: Operation): number {
  return op.method === 'POST' ? 0 : op.method === 'DELETE' ? 2 : 1;
}

t.test('every operation of every service answers as its document says', async (t) => {
  const started = Date.now();
  const stack = await startLocalStack(t, {
    prefix,
    orgs: [
      { domain, size: 'tiny', seed: 13 },
      { domain: ownDomain, size: 'tiny', seed: 14 },
    ],
    env: { RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  const { okta, urlOf } = stack;
  const exitedEarly = stack.exited;
  t.comment(`stack up in ${stack.startupMs} ms`);

  const tokens: Record<Role, string | undefined> = {
    admin: await mintJwt({ sub: 'fuzz-admin', email: `admin@${prefix}.example`, tenant, roles: ['admin'] }),
    viewer: await mintJwt({
      sub: 'fuzz-viewer',
      email: `viewer@${prefix}.example`,
      tenant,
      roles: ['viewer'],
    }),
    operator: await mintJwt({
      sub: 'fuzz-operator',
      email: `op@${prefix}.example`,
      tenant,
      roles: ['operator'],
    }),
    anonymous: undefined,
    'garbage-token': 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  };

  // Another tenant's resources: the fuzzer aims at their ids and must never reach them.
  const bystanderAdmin = await mintJwt({
    sub: 'b-admin',
    email: `b@${prefix}.example`,
    tenant: bystander,
    roles: ['admin'],
  });
  const bystanderStatus = async (url: string) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${bystanderAdmin}` } });
    await res.arrayBuffer();
    return res.status;
  };
  const created = async (method: string, url: string, body: unknown): Promise<string> => {
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${bystanderAdmin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as { id?: string };
    if (res.status !== 201 || !json.id)
      throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json.id;
  };
  const foreign = {
    connection: await created('POST', `${urlOf('connection-service')}/v1/integrations/okta/connections`, {
      domain,
      apiToken: okta.sim.org(domain).token,
    }),
    webhook: await created('POST', `${urlOf('notification-service')}/v1/notifications/webhooks`, {
      url: 'https://hooks.example.com/bystander',
      eventTypes: ['*'],
    }),
    recipient: await created('POST', `${urlOf('notification-service')}/v1/notifications/recipients`, {
      email: `ops@${prefix}.example`,
    }),
  };
  const foreignIds = Object.values(foreign);

  const ownIds: string[] = [];
  // The fuzzing tenant's own connection, so catalog routes have real rows and ids to aim at.
  const ownConnection = await fetch(`${urlOf('connection-service')}/v1/integrations/okta/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ domain: ownDomain, apiToken: okta.sim.org(ownDomain).token }),
  });
  const ownConnectionId = ((await ownConnection.json()) as { id: string }).id;
  ownIds.push(ownConnectionId);
  let catalogIdsTaken = false;
  /** After the creating operations ran (and the first sync had time): ids of the tenant's catalog rows. */
  const takeCatalogIds = async () => {
    catalogIdsTaken = true;
    for (const list of ['apps', 'users']) {
      const res = await fetch(`${urlOf('catalog-service')}/v1/catalog/${list}?limit=5`, {
        headers: { authorization: `Bearer ${tokens.admin}` },
      });
      const page = (await res.json()) as { items?: Array<{ id: string }> };
      for (const item of page.items ?? []) ownIds.push(item.id);
    }
    t.comment(`own ids in the pool: ${ownIds.length}`);
  };
  const conformance = new ResponseConformance();
  const statusCounts = new Map<string, Map<number, number>>();
  let requests = 0;

  const send = async (service: ServiceName, req: FuzzRequest, op: Operation) => {
    const url = new URL(req.path, urlOf(service));
    for (const [k, v] of req.query) url.searchParams.append(k, v);
    const token = tokens[req.role];
    const res = await fetch(url, {
      method: op.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(req.body ? { 'content-type': req.body.contentType } : {}),
      },
      ...(req.body ? { body: req.body.text } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    requests += 1;
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  };

  const operations: Array<{ service: ServiceName; op: Operation }> = [];
  for (const service of SERVICE_NAMES) {
    const doc = (await (await fetch(`${urlOf(service)}/docs/json`)).json()) as OpenApiDocument;
    for (const op of listOperations(service, doc)) operations.push({ service, op });
  }
  operations.sort((a, b) => methodOrder(a.op) - methodOrder(b.op));
  t.comment(`${operations.length} operations in ${SERVICE_NAMES.length} documents`);

  for (const { service, op } of operations) {
    const key = `${op.method} ${op.path}`;
    if (op.method !== 'POST' && !catalogIdsTaken) await takeCatalogIds();
    const counts = new Map<number, number>();
    statusCounts.set(key, counts);
    const property = fc.asyncProperty(
      requestArbitrary(op, { own: () => ownIds, foreign: foreignIds }),
      async (req) => {
        const res = await send(service, req, op);
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        const problems = conformance.problems(op, res);
        // Operator routes are cross-tenant by design (C12): another tenant's id is theirs to read.
        const crossTenantByDesign = op.path.startsWith('/v1/operator/') && req.role === 'operator';
        const aimedAtForeign = !crossTenantByDesign && req.pathValues.some((v) => foreignIds.includes(v));
        if (aimedAtForeign && res.status < 300) problems.push(`another tenant's id answered ${res.status}`);
        // Another tenant's id is unknown here: a 404, or a refusal before any lookup; never a
        // conflict or an unprocessable entity, which would tell that it exists.
        if (aimedAtForeign && [409, 422].includes(res.status)) {
          problems.push(`another tenant's id answered ${res.status}, not 404`);
        }
        if (res.status === 201) {
          try {
            const id = (JSON.parse(res.text) as { id?: unknown }).id;
            if (typeof id === 'string') ownIds.push(id);
          } catch {
            // conformance reports a non-JSON body
          }
        }
        if (problems.length > 0) {
          throw new Error(
            `${op.method} ${req.path.length > 160 ? `${req.path.slice(0, 160)}…` : req.path} as ${req.role} → ${res.status}: ${problems.join('; ')}\n  body: ${res.text.slice(0, 400)}`,
          );
        }
      },
    );
    const details = await fc.check(property, { seed, numRuns: runs });
    const summary = [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    if (details.failed) {
      const error =
        details.errorInstance instanceof Error
          ? details.errorInstance.message
          : String(details.errorInstance);
      t.fail(`${service} ${key}: ${error}`);
      t.comment(
        `${service} ${key} failed after ${details.numRuns} runs (${summary}); replay with FUZZ_SEED=${seed} (path ${details.counterexamplePath})`,
      );
    } else {
      t.pass(`${service} ${key}: ${summary}`);
    }
  }

  // The other tenant's resources are all still there.
  const stillThere = [
    `${urlOf('connection-service')}/v1/integrations/okta/connections/${foreign.connection}`,
    `${urlOf('notification-service')}/v1/notifications/webhooks/${foreign.webhook}`,
  ];
  for (const url of stillThere)
    t.equal(await bystanderStatus(url), 200, `bystander's ${url.split('/v1/')[1]} untouched`);
  const recipients = await fetch(`${urlOf('notification-service')}/v1/notifications/recipients`, {
    headers: { authorization: `Bearer ${bystanderAdmin}` },
  });
  const listed = JSON.stringify(await recipients.json());
  t.ok(listed.includes(foreign.recipient), "bystander's recipient untouched");

  t.same(exitedEarly, [], 'no service exited during the run');
  t.comment(
    `api fuzz: ${requests} requests over ${operations.length} operations in ${Date.now() - started} ms, FUZZ_SEED=${seed}`,
  );
});
