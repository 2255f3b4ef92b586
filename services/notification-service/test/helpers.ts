import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { type AnyCloudEvent, type EventData, type EventType, makeEvent, topicNames } from '@appgov/contracts';
import { createKafka, createProducer, deleteTopicsWithPrefix } from '@appgov/kafka';
import { createLogger, createMetricsRegistry } from '@appgov/telemetry';
import {
  DEV_JWT_SECRET,
  freePort,
  freshSchema,
  mintJwt,
  type Teardown,
  testEnv,
  uniqueName,
  waitFor,
} from '@appgov/testing';
import { startVaultSimulator } from '@appgov/vault-simulator';
import { logLevel } from 'kafkajs';
import { SMTPServer } from 'smtp-server';
import { loadNotificationConfig, type NotificationConfig } from '../src/config.js';
import { createService, type NotificationService } from '../src/service.js';

/** One message the test SMTP server accepted. */
export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  raw: string;
  /** The raw message with quoted-printable soft breaks and escapes undone (good enough to search). */
  decoded: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A real SMTP server (smtp-server) on loopback that requires AUTH with `user`/`password`. */
export class TestSmtp {
  readonly mails: ReceivedMail[] = [];
  readonly authFailures: string[] = [];
  port = 0;
  #server: SMTPServer | undefined;

  constructor(
    readonly user: string,
    readonly password: string,
  ) {}

  #create(): SMTPServer {
    return new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password)
          return callback(null, { user: auth.username });
        this.authFailures.push(auth.username ?? '');
        return callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '';
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject,
            raw,
            decoded: decodeQuotedPrintable(raw),
          });
          callback();
        });
      },
    });
  }

  /** Listens (on the same port as before after a stop). */
  async start(): Promise<void> {
    // Not listen(0): an ephemeral port, once closed for an outage, may be taken by an outgoing
    // connection of a parallel test before the server comes back on it.
    if (this.port === 0) this.port = await freePort();
    const server = this.#create();
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.on('error', reject);
      const net = server.listen(this.port, '127.0.0.1', () => resolve());
      net.on('error', reject);
    });
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startSmtp(t: Teardown, password = `smtp-pass-${uniqueName('p')}`): Promise<TestSmtp> {
  const smtp = new TestSmtp('appgov-mailer', password);
  await smtp.start();
  t.teardown(() => smtp.stop());
  return smtp;
}

/** One request a test webhook receiver got. */
export interface ReceivedHook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A node:http receiver whose answers the test scripts per path (default 200). */
export async function startReceiver(t: Teardown) {
  const requests: ReceivedHook[] = [];
  const scripts = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const script = scripts.get(path);
      const status = script && script.length > 0 ? (script.shift() as number) : 200;
      requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.statusCode = status;
      res.end(status < 300 ? 'ok' : 'nope');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    requests,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    /** The next answers for `path`, in order; afterwards 200. */
    script: (path: string, statuses: number[]) => scripts.set(path, [...statuses]),
  };
}

/** A started service on a fresh schema, unique topics and group, with captured logs. */
export interface TestService {
  service: NotificationService;
  config: NotificationConfig;
  logs: string[];
  topics: ReturnType<typeof topicNames>;
  publish(events: AnyCloudEvent[]): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a schema and topic prefix (a second instance of the same deployment). */
  schema?: string;
  topicPrefix?: string;
  groupPrefix?: string;
}

export async function startService(
  t: Teardown,
  smtp: TestSmtp | undefined,
  options: StartOptions = {},
): Promise<TestService> {
  const env = testEnv();
  const schema = options.schema ?? (await freshSchema(t, 'notif'));
  const topicPrefix = options.topicPrefix ?? `${uniqueName('notif')}.`;
  // Registered before the service's stop, so it runs after it; a second instance leaves them to the first.
  if (!options.topicPrefix) t.teardown(() => deleteTopicsWithPrefix(env.KAFKA_BROKERS, topicPrefix));
  // Webhook signing secrets live in Vault: a simulator of its own unless the test brings one.
  const vault = options.env?.VAULT_ADDR ? undefined : await startVaultSimulator();
  if (vault) t.teardown(() => vault.close());
  const config = loadNotificationConfig({
    ...(vault ? { VAULT_ADDR: vault.url, VAULT_TOKEN: vault.rootToken } : {}),
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    DB_SCHEMA: schema,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_GROUP_PREFIX: options.groupPrefix ?? `${uniqueName('g')}.`,
    REDIS_KEY_PREFIX: `${uniqueName('notif')}:`,
    JWT_HS256_SECRET: DEV_JWT_SECRET,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp?.port ?? 1),
    SMTP_USER: smtp?.user ?? '',
    SMTP_PASSWORD: smtp?.password ?? '',
    SMTP_FROM: 'Appgov <no-reply@appgov.test>',
    SMTP_TIMEOUT_MS: '2000',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_RETRY_MAX_MS: '1000',
    EMAIL_RETRY_BASE_MS: '100',
    EMAIL_RETRY_MAX_MS: '1000',
    SENDER_POLL_INTERVAL_MS: '50',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const stream = new PassThrough();
  const logs: string[] = [];
  stream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const name = uniqueName('notification');
  const service = await createService(config, {
    logger: createLogger({ name: 'notification-service', level: 'debug', destination: stream }),
    registry: createMetricsRegistry(name),
    consumerMaxAttempts: 3,
    lagIntervalMs: 0,
  });
  await service.start();
  const topics = topicNames({ prefix: topicPrefix });
  const kafka = createKafka({
    clientId: uniqueName('test-producer'),
    brokers: env.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const producer = createProducer(kafka);
  await producer.connect();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await producer.disconnect();
    await service.stop();
  };
  t.teardown(stop);
  return {
    service,
    config,
    logs,
    topics,
    stop,
    async publish(events) {
      for (const event of events) {
        const topic = event.type.startsWith('connection.')
          ? topics.connections
          : event.type.startsWith('sync.') || event.type === 'catalog.applied'
            ? topics.syncStatus
            : topics.appInventory;
        await producer.publish(topic, [event], { key: event.connectionid ?? event.tenantid });
      }
    },
  };
}

/** Waits until the service has processed (committed the dedupe row of) every event id. */
export async function waitProcessed(ts: TestService, ids: string[], timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      const rows = await ts.service.db
        .selectFrom('processed_events')
        .select('event_id')
        .where('event_id', 'in', ids)
        .execute();
      return rows.length === ids.length;
    },
    { timeoutMs, description: `events ${ids.join(', ')} processed` },
  );
}

/** Authorization header of a caller. */
export async function bearer(tenant: string, roles: string[], sub = 'admin-1', email = `${sub}@example.com`) {
  return { authorization: `Bearer ${await mintJwt({ sub, email, tenant, roles })}` };
}

/** Event builders with sensible data. */
export const events = {
  created(tenantId: string, connectionId: string, domain: string, adminEmail: string) {
    return makeEvent('connection.created', {
      source: '/appgov/connection-service',
      tenantId,
      connectionId,
      data: {
        connectionId,
        tenantId,
        domain,
        provider: 'okta',
        createdBy: { sub: 'okta-admin', email: adminEmail },
        tokenFingerprint: 'fp-12345678',
      },
    });
  },
  completed(tenantId: string, connectionId: string) {
    const now = new Date().toISOString();
    return makeEvent('sync.completed', {
      source: '/appgov/ingest-service',
      tenantId,
      connectionId,
      data: {
        syncId: crypto.randomUUID(),
        startedAt: now,
        finishedAt: now,
        durationMs: 1200,
        counts: { users: 3 },
        warnings: [],
        skippedDatasets: [],
      } as EventData<'sync.completed'>,
    });
  },
  failed(
    tenantId: string,
    connectionId: string,
    reasonCode: EventData<'sync.failed'>['reasonCode'] = 'okta_unavailable',
  ) {
    return makeEvent('sync.failed', {
      source: '/appgov/ingest-service',
      tenantId,
      connectionId,
      data: {
        syncId: crypto.randomUUID(),
        reasonCode,
        message: 'Okta did not answer after retries.',
        failedAt: new Date().toISOString(),
      },
    });
  },
};

export type { EventType };

/** Waits until every queued email is sent and returns the queue's rows (kind and status). */
export async function waitAllSent(ts: TestService, count: number) {
  return waitFor(
    async () => {
      const rows = await ts.service.db.selectFrom('email_queue').select(['kind', 'status']).execute();
      return rows.length >= count && rows.every((r) => r.status === 'sent') ? rows : undefined;
    },
    { description: `${count} emails marked sent` },
  );
}

/** Messages the service's consumer finished (any outcome), from its metrics registry. */
export async function consumedCount(ts: TestService): Promise<number> {
  const metric = ts.service.registry.getSingleMetric('appgov_kafka_messages_consumed_total');
  if (!metric) return 0;
  const { values } = await metric.get();
  return values.reduce((sum, v) => sum + v.value, 0);
}
