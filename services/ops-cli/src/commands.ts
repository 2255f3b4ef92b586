/** One subcommand of appgov-ops: its words, its flags and what it does (the help text and the runbook check read this). */
export interface CommandSpec {
  /** e.g. `dlq replay`. */
  name: string;
  /** Positional arguments, e.g. `<connectionId>`. */
  args: string[];
  /** Flags with a value (`--topic T`) and boolean flags (`--dry-run`). */
  options: Record<string, 'string' | 'boolean'>;
  summary: string;
}

const DLQ_FILTERS = {
  topic: 'string',
  type: 'string',
  since: 'string',
  until: 'string',
  limit: 'string',
} as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'dlq list',
    args: [],
    options: { ...DLQ_FILTERS, json: 'boolean' },
    summary:
      'List DLQ records (position, origin topic, event type, reason, time, last error); filters: --topic <origin topic>, --type <event type>, --since/--until <ISO time of failure>',
  },
  {
    name: 'dlq inspect',
    args: ['<partition:offset>'],
    options: {},
    summary: 'Print one DLQ record whole: origin, headers, value and every attempt’s error',
  },
  {
    name: 'dlq replay',
    args: [],
    options: { ...DLQ_FILTERS, 'dry-run': 'boolean' },
    summary:
      'Publish the matching records’ original key, value and headers to their original topic, so the normal consumer (and its idempotency) handles them again; --dry-run lists them only',
  },
  {
    name: 'sync',
    args: ['<connectionId>'],
    options: {},
    summary: 'Request a sync of a connection through connection-service (needs an admin token of its tenant)',
  },
  {
    name: 'connections',
    args: [],
    options: { stale: 'boolean', failing: 'boolean', tenant: 'string', json: 'boolean' },
    summary: 'Connection status across tenants (C12, operator token): --stale, --failing (status error)',
  },
];

/** The environment appgov-ops reads. */
export const ENVIRONMENT: Record<string, string> = {
  KAFKA_BROKERS: 'Kafka bootstrap servers, host:port[,host:port] (dlq commands)',
  KAFKA_TOPIC_PREFIX: 'the services’ topic prefix, if any (dlq commands)',
  KAFKA_SSL:
    'true: TLS to the brokers; KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE as the services read them',
  KAFKA_SASL_MECHANISM:
    'plain, scram-sha-256 or scram-sha-512, with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
  APPGOV_CONNECTION_URL: 'connection-service base URL, e.g. http://127.0.0.1:8081 (sync, connections)',
  APPGOV_TOKEN: 'bearer JWT: an admin of the tenant for sync, an operator for connections',
};

/** Finds the command whose words start `argv`; returns it and the remaining arguments. */
export function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const spec of [...COMMANDS].sort((a, b) => b.name.length - a.name.length)) {
    const words = spec.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { spec, rest: argv.slice(words.length) };
  }
  return undefined;
}

export function usage(): string {
  const lines = ['usage: appgov-ops <command> [options]', ''];
  for (const c of COMMANDS) {
    const opts = Object.entries(c.options).map(([k, t]) => (t === 'boolean' ? `[--${k}]` : `[--${k} <v>]`));
    lines.push(`  ${[c.name, ...c.args, ...opts].join(' ')}`, `      ${c.summary}`);
  }
  lines.push('', 'environment:');
  for (const [k, v] of Object.entries(ENVIRONMENT)) lines.push(`  ${k}  ${v}`);
  return lines.join('\n');
}
