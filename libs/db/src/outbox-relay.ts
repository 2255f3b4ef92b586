import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs } from '@appgov/errors';
import { type AppLogger, defineCounter, defineGauge, type Registry } from '@appgov/telemetry';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { schemaOf } from './create-db.js';
import { outboxChannel } from './outbox.repository.js';
import type { OutboxDatabase } from './outbox.table.js';
import { permanentSendReason, QUARANTINE_HEADER } from './outbox-quarantine.js';

/** An outbox row handed to `send`. */
export interface OutboxRecord {
  id: string;
  topic: string;
  key: string | null;
  value: unknown;
  headers: Record<string, string>;
  createdAt: Date;
}

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  db: Kysely<OutboxDatabase>;
  /**
   * Publishes a batch in the given order and resolves only once every message is acknowledged
   * (services pass their Kafka producer's send); a rejection leaves the whole batch unsent.
   */
  send: (messages: OutboxRecord[]) => Promise<void>;
  /** Defaults to the schema the db was created for ({@link createDb}). */
  schema?: string;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Upper bound of the back-off after failed sends. */
  maxBackoffMs?: number;
  logger?: AppLogger;
  registry?: Registry;
  /** When set, a LISTEN connection wakes the relay as soon as an enqueueing transaction commits. */
  listenConnectionString?: string;
}

// Advisory lock class for outbox relays; the second key is the schema's hash.
const LOCK_CLASS = 0x0a99;

/**
 * Publishes committed outbox rows in id order and marks them sent (at-least-once). One relay per
 * schema drains at a time (a transaction-scoped advisory lock), which keeps per-key order across
 * replicas; rows are also taken `FOR UPDATE SKIP LOCKED`, so no row is ever in two sends at once.
 */
export class OutboxRelay {
  readonly #db: Kysely<OutboxDatabase>;
  readonly #send: OutboxRelayOptions['send'];
  readonly #schema: string;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #maxBackoffMs: number;
  readonly #logger: AppLogger | undefined;
  readonly #listenUrl: string | undefined;
  readonly #published;
  readonly #failures;
  readonly #pending;
  readonly #quarantined;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  /** A NOTIFY arrived since the current round began (it may have missed the rows it announced). */
  #notified = false;
  #listener: pg.Client | undefined;
  #notifications = 0;

  constructor(options: OutboxRelayOptions) {
    const schema = options.schema ?? schemaOf(options.db);
    if (!schema) throw new Error('OutboxRelay needs a schema (or a db from createDb)');
    this.#db = options.db;
    this.#send = options.send;
    this.#schema = schema;
    this.#batchSize = options.batchSize ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#logger = options.logger;
    this.#listenUrl = options.listenConnectionString;
    if (options.registry) {
      this.#published = defineCounter(options.registry, {
        name: 'appgov_outbox_published_total',
        help: 'Outbox messages published and marked sent',
        labelNames: ['topic'],
      });
      this.#failures = defineCounter(options.registry, {
        name: 'appgov_outbox_send_failures_total',
        help: 'Outbox batches whose send failed (left unsent for the next round)',
      });
      this.#quarantined = defineCounter(options.registry, {
        name: 'appgov_outbox_quarantined_total',
        help: 'Outbox messages Kafka refused for good (e.g. too large), set aside so the relay continues',
        labelNames: ['topic', 'reason'],
      });
      this.#pending = defineGauge(options.registry, {
        name: 'appgov_outbox_pending_messages',
        help: 'Outbox rows not yet published, as of the last relay round',
      });
    }
  }

  /**
   * Publishes every unsent row, batch by batch, and returns how many were published; rethrows the
   * error of a failed send (that batch stays unsent). Returns 0 when another relay is draining.
   */
  async drainOnce(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.#drainBatch();
        if (n <= 0) break;
        total += n;
        if (n < this.#batchSize) break;
      }
    } catch (error) {
      this.#failures?.inc();
      throw error;
    } finally {
      await this.#updatePending();
    }
    return total;
  }

  async #drainBatch(): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const { rows: lock } = await sql<{ locked: boolean }>`
        select pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(${this.#schema})) as locked`.execute(trx);
      if (!lock[0]?.locked) return -1;
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'topic', 'key', 'value', 'headers', 'created_at'])
        .where('sent_at', 'is', null)
        .orderBy('id')
        .limit(this.#batchSize)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return 0;
      const records: OutboxRecord[] = rows.map((r) => ({
        id: String(r.id),
        topic: r.topic,
        key: r.key,
        value: r.value,
        headers: r.headers ?? {},
        createdAt: r.created_at,
      }));
      const sent = await this.#sendOrQuarantine(trx, records);
      if (sent.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ sent_at: sql`now()` })
          .where(
            'id',
            'in',
            sent.map((r) => r.id),
          )
          .execute();
      }
      for (const r of sent) this.#published?.inc({ topic: r.topic });
      return records.length;
    });
  }

  // The batch at once; after a permanent refusal, one by one, so only the refused rows are set aside.
  async #sendOrQuarantine(trx: Kysely<OutboxDatabase>, records: OutboxRecord[]): Promise<OutboxRecord[]> {
    try {
      await this.#send(records);
      return records;
    } catch (error) {
      if (!permanentSendReason(error)) throw error;
    }
    const sent: OutboxRecord[] = [];
    for (const record of records) {
      try {
        await this.#send([record]);
        sent.push(record);
      } catch (error) {
        const reason = permanentSendReason(error);
        if (!reason) throw error;
        await trx
          .updateTable('outbox')
          .set({
            sent_at: sql`now()`,
            headers: sql`headers || jsonb_build_object(${QUARANTINE_HEADER}::text, ${reason}::text)`,
          })
          .where('id', '=', record.id)
          .execute();
        this.#quarantined?.inc({ topic: record.topic, reason });
        this.#logger?.error(
          { outboxId: record.id, topic: record.topic, key: record.key, reason },
          'outbox message refused by Kafka for good; quarantined',
        );
      }
    }
    return sent;
  }

  async #updatePending(): Promise<void> {
    if (!this.#pending) return;
    try {
      const row = await this.#db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('sent_at', 'is', null)
        .executeTakeFirst();
      this.#pending.set(Number(row?.n ?? 0));
    } catch {
      // The gauge keeps its last value while Postgres is unreachable.
    }
  }

  /** NOTIFYs the LISTEN connection has received (tests wait on it instead of on the clock). */
  get notificationsReceived(): number {
    return this.#notifications;
  }

  /** Starts the polling loop (and the LISTEN connection when configured). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    if (this.#listenUrl) await this.#listen(this.#listenUrl);
    this.#loop = this.#run();
  }

  /** Stops polling after the current round finishes and closes the LISTEN connection. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => {});
  }

  async #listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    client.on('notification', () => {
      this.#notifications += 1;
      this.#notified = true;
      this.#wake?.();
    });
    client.on('error', (error) => {
      // Polling still runs; only the early wake-up is lost.
      this.#logger?.warn({ err: error }, 'outbox LISTEN connection failed; polling only');
      if (this.#listener === client) this.#listener = undefined;
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${outboxChannel(this.#schema)}"`);
      this.#listener = client;
    } catch (error) {
      this.#logger?.warn({ err: error }, 'outbox LISTEN unavailable; polling only');
      await client.end().catch(() => {});
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      this.#notified = false;
      try {
        const n = await this.drainOnce();
        if (n > 0) this.#logger?.debug({ published: n }, 'outbox published');
        failures = 0;
      } catch (error) {
        failures += 1;
        this.#logger?.warn({ err: error, failures }, 'outbox send failed; rows stay unsent and are retried');
      }
      if (!this.#running) break;
      // Rows committed while that round ran: no wake-up could reach it, so go again at once rather
      // than leave them for a whole poll interval.
      if (failures === 0 && this.#notified) continue;
      const delay =
        failures === 0
          ? this.#pollIntervalMs
          : backoffDelayMs(failures, {
              baseMs: 2 * this.#pollIntervalMs,
              maxMs: this.#maxBackoffMs,
              jitter: 'none',
            });
      const wake = new AbortController();
      // While backing off after a failure, a new row is no reason to hammer a dead broker.
      this.#wake = failures === 0 ? () => wake.abort() : () => (this.#running ? undefined : wake.abort());
      await sleep(delay, undefined, { signal: wake.signal }).catch(() => undefined);
      this.#wake = undefined;
    }
  }
}
