import { parseArgs } from 'node:util';
import { kafkaConfigProperties, loadConfig, Type } from '@appgov/config';
import { topicNames } from '@appgov/contracts';
import { createKafkaFromEnv } from '@appgov/kafka';
import { findCommand, usage } from './commands.js';
import { connectionApi } from './connection-api.js';
import { type DlqEntry, type DlqFilter, matches, readDlq } from './dlq-reader.js';
import { replay } from './dlq-replay.js';

/** Where output goes (tests capture it). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

class UsageError extends Error {}

function need(env: Io['env'], name: string): string {
  const v = env[name];
  if (!v) throw new UsageError(`${name} is not set`);
  return v;
}

function time(flag: string, value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag} must be an ISO 8601 time, got ${value}`);
  return d;
}

const lastError = (e: DlqEntry) => e.record.attempts.at(-1)?.error ?? '';
const line = (e: DlqEntry) =>
  [
    `${e.partition}:${e.offset}`,
    e.record.failedAt,
    e.record.originTopic,
    e.record.eventType ?? '-',
    e.record.reason,
    `${e.record.originTopic}[${e.record.partition}]@${e.record.offset}`,
    lastError(e).replace(/\s+/g, ' ').slice(0, 160),
  ].join('\t');

/** Runs one appgov-ops invocation; resolves with the exit code (0 ok, 1 failed, 2 usage). */
export async function run(argv: string[], io: Io): Promise<number> {
  const found = findCommand(argv);
  if (!found || argv.includes('--help') || argv.includes('-h')) {
    (found ? io.out : io.err)(usage());
    return found ? 0 : 2;
  }
  const { spec, rest } = found;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: Object.fromEntries(Object.entries(spec.options).map(([k, type]) => [k, { type }])),
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== spec.args.length) {
      throw new UsageError(`${spec.name} takes ${spec.args.join(' ') || 'no arguments'}`);
    }
    if (spec.name.startsWith('dlq ')) return await dlqCommand(spec.name, values, positionals, io);
    const api = connectionApi(need(io.env, 'APPGOV_CONNECTION_URL'), need(io.env, 'APPGOV_TOKEN'));
    if (spec.name === 'sync') {
      const run = (await api.requestSync(positionals[0] as string)) as { syncId?: string; outcome?: string };
      io.out(`sync ${run.syncId ?? '?'} ${run.outcome ?? 'requested'} for connection ${positionals[0]}`);
      return 0;
    }
    if (!values.stale && !values.failing) throw new UsageError('connections needs --stale and/or --failing');
    const all = await api.operatorConnections({ tenant: values.tenant as string | undefined });
    const picked = all.filter((c) => (values.stale && c.stale) || (values.failing && c.status === 'error'));
    if (values.json) io.out(JSON.stringify(picked, null, 2));
    else {
      for (const c of picked) {
        io.out(
          [
            c.tenantId,
            c.id,
            c.domain,
            c.status,
            c.statusReasonCode ?? '-',
            c.stale ? `stale:${c.staleReason}` : 'fresh',
            c.lastSynced.at ?? 'never',
          ].join('\t'),
        );
      }
      io.err(`${picked.length} of ${all.length} connections`);
    }
    return 0;
  } catch (error) {
    io.err(`appgov-ops ${spec.name}: ${(error as Error).message}`);
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(usage());
      return 2;
    }
    return 1;
  }
}

async function dlqCommand(
  name: string,
  values: Record<string, unknown>,
  positionals: string[],
  io: Io,
): Promise<number> {
  need(io.env, 'KAFKA_BROKERS');
  // The services' Kafka variables, so the CLI reaches a managed broker (TLS, SASL) as they do.
  const kafka = createKafkaFromEnv(loadConfig(Type.Object(kafkaConfigProperties()), io.env), {
    clientId: 'appgov-ops',
  });
  const dlqTopic = topicNames({ prefix: io.env.KAFKA_TOPIC_PREFIX ?? '' }).dlq;
  const entries = await readDlq(kafka, dlqTopic);
  if (name === 'dlq inspect') {
    const [partition, offset] = (positionals[0] as string).split(':');
    const entry = entries.find((e) => String(e.partition) === partition && e.offset === offset);
    if (!entry) {
      io.err(`no record at ${positionals[0]} in ${dlqTopic}`);
      return 1;
    }
    io.out(JSON.stringify({ dlqPosition: `${entry.partition}:${entry.offset}`, ...entry.record }, null, 2));
    return 0;
  }
  const filter: DlqFilter = {
    topic: values.topic as string | undefined,
    type: values.type as string | undefined,
    since: time('since', values.since),
    until: time('until', values.until),
  };
  const limit = values.limit === undefined ? Number.POSITIVE_INFINITY : Number(values.limit);
  if (Number.isNaN(limit) || limit < 1) throw new UsageError('--limit must be a positive number');
  const picked = entries.filter((e) => matches(e, filter)).slice(0, limit);
  if (name === 'dlq list') {
    if (values.json) io.out(JSON.stringify(picked, null, 2));
    else for (const e of picked) io.out(line(e));
    io.err(`${picked.length} of ${entries.length} records in ${dlqTopic}`);
    return 0;
  }
  if (values['dry-run']) {
    for (const e of picked) io.out(`would replay ${line(e)}`);
    io.err(`dry run: ${picked.length} of ${entries.length} records would be replayed`);
    return 0;
  }
  const sent = await replay(kafka, dlqTopic, picked);
  for (const e of picked) io.out(`replayed ${line(e)}`);
  io.err(`replayed ${sent} of ${entries.length} records from ${dlqTopic}`);
  return 0;
}
