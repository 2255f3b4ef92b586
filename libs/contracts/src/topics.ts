// The one list of topics: name, key, partitions, configs and DLQ (CONVENTIONS "Kafka").

/** Logical topic ids; their names are configurable (see `topicNames`). */
export type TopicId =
  | 'connections'
  | 'syncRequests'
  | 'oktaRecords'
  | 'syncStatus'
  | 'appInventory'
  | 'appInventoryState'
  | 'dlq';

/** Everything a service or `ensureTopics` needs to know about one topic. */
export interface TopicSpec {
  readonly id: TopicId;
  readonly name: string;
  readonly key: string;
  readonly description: string;
  readonly partitions: number;
  /** Topic-level configs (strings, as Kafka takes them). */
  readonly configs: Readonly<Record<string, string>>;
  /** Logical id of the topic that receives this topic's failed messages; none for the DLQ itself. */
  readonly dlq: TopicId | null;
  /** The payload kind: CloudEvents of `eventTypes`, the app state document, or DLQ records. */
  readonly payload: 'cloudevents' | 'app-inventory-state' | 'dlq-record';
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Producers send gzip; a matching topic setting keeps the broker from recompressing.
const base = { 'compression.type': 'gzip' } as const;

/** Default names and settings of every topic. */
export const TOPIC_DEFAULTS: Readonly<Record<TopicId, Omit<TopicSpec, 'id'>>> = {
  connections: {
    name: 'appgov.connections.v1',
    key: 'connection id',
    description: 'connection-service → ingest, catalog, notification: created, token-updated, deleted',
    partitions: 6,
    configs: { ...base, 'retention.ms': String(30 * DAY_MS) },
    dlq: 'dlq',
    payload: 'cloudevents',
  },
  syncRequests: {
    name: 'appgov.sync-requests.v1',
    key: 'connection id',
    description: 'connection-service → ingest: start or cancel a sync',
    partitions: 6,
    configs: { ...base, 'retention.ms': String(7 * DAY_MS) },
    dlq: 'dlq',
    payload: 'cloudevents',
  },
  oktaRecords: {
    name: 'appgov.okta-records.v1',
    key: 'connection id',
    description: 'ingest → catalog: record batches with dataset start/end markers',
    partitions: 12,
    // Batches stay well under this (RECORD_BATCH_LIMITS); the broker default is about 1 MiB.
    configs: { ...base, 'retention.ms': String(7 * DAY_MS), 'max.message.bytes': String(1024 * 1024) },
    dlq: 'dlq',
    payload: 'cloudevents',
  },
  syncStatus: {
    name: 'appgov.sync-status.v1',
    key: 'connection id',
    description: 'ingest, catalog → connection, notification: started, progress, completed, failed, applied',
    partitions: 6,
    configs: { ...base, 'retention.ms': String(14 * DAY_MS) },
    dlq: 'dlq',
    payload: 'cloudevents',
  },
  appInventory: {
    name: 'appgov.app-inventory.v1',
    key: 'tenant:connection:object (app id, token id or finding id)',
    description: 'catalog → anyone: app, grant, assignment, API token and finding changes; snapshot markers',
    partitions: 6,
    configs: { ...base, 'retention.ms': String(30 * DAY_MS) },
    dlq: 'dlq',
    payload: 'cloudevents',
  },
  appInventoryState: {
    name: 'appgov.app-inventory-state.v1',
    key: 'tenant:connection:app',
    description: 'catalog → anyone: latest full state of each app; tombstone (null) on removal',
    partitions: 6,
    configs: {
      ...base,
      'cleanup.policy': 'compact',
      // Tombstones stay a day so that slow readers still see removals before compaction drops them.
      'delete.retention.ms': String(DAY_MS),
      'min.cleanable.dirty.ratio': '0.1',
      'segment.ms': String(DAY_MS),
    },
    dlq: null,
    payload: 'app-inventory-state',
  },
  dlq: {
    name: 'appgov.dlq.v1',
    key: 'the original key',
    description: 'every consumer: messages that failed after bounded retries, with origin and errors',
    partitions: 1,
    configs: { ...base, 'retention.ms': String(30 * DAY_MS) },
    dlq: null,
    payload: 'dlq-record',
  },
};

/** Every logical topic id. */
export const TOPIC_IDS = Object.keys(TOPIC_DEFAULTS) as TopicId[];

/** How to rename topics: a prefix for all (tests use a unique one) and/or explicit names. */
export interface TopicNameOptions {
  prefix?: string;
  overrides?: Partial<Record<TopicId, string>>;
}

/** Actual topic names: override, else prefix + default name. */
export function topicNames(options: TopicNameOptions = {}): Readonly<Record<TopicId, string>> {
  const names = {} as Record<TopicId, string>;
  for (const id of TOPIC_IDS) {
    names[id] = options.overrides?.[id] ?? `${options.prefix ?? ''}${TOPIC_DEFAULTS[id].name}`;
  }
  return Object.freeze(names);
}

/** Every topic's spec with the actual names filled in. */
export function topicSpecs(options: TopicNameOptions = {}): TopicSpec[] {
  const names = topicNames(options);
  return TOPIC_IDS.map((id) => ({ id, ...TOPIC_DEFAULTS[id], name: names[id] }));
}

/** Message key of the connection-keyed topics (one connection's events stay in order). */
export const connectionKey = (connectionId: string): string => connectionId;

/** Message key of the app-inventory topics: `tenant:connection:object`. */
export const inventoryKey = (tenantId: string, connectionId: string, objectId?: string): string =>
  objectId === undefined ? `${tenantId}:${connectionId}` : `${tenantId}:${connectionId}:${objectId}`;
