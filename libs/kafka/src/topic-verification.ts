import type { Admin, ConfigResourceTypes } from 'kafkajs';
import { type KafkaLogger, silentLogger } from './kafka-logger.js';
import { type EnsureTopicSpec, ensureTopics } from './topic-admin.js';

/**
 * The topic configs a service cannot work without; the others of a spec (retention, compression)
 * are the platform team's choice. cleanup.policy must match (a state topic must be compacted), and
 * max.message.bytes must be at least the spec's (record batches are sized to it).
 */
const REQUIRED_CONFIGS: Record<string, (actual: string | undefined, wanted: string) => boolean> = {
  'cleanup.policy': (actual, wanted) => actual === wanted,
  'max.message.bytes': (actual, wanted) => Number(actual) >= Number(wanted),
};

/**
 * Checks, without changing anything, that every topic exists with at least its spec's partitions and
 * the configs the service needs; returns one line per problem (empty when all is well).
 */
export async function verifyTopics(admin: Admin, specs: readonly EnsureTopicSpec[]): Promise<string[]> {
  const present = new Set(await admin.listTopics());
  const problems = specs.filter((s) => !present.has(s.name)).map((s) => `topic ${s.name} is missing`);
  const existing = specs.filter((s) => present.has(s.name));
  if (existing.length === 0) return problems;
  const metadata = await admin.fetchTopicMetadata({ topics: existing.map((s) => s.name) });
  for (const topic of metadata.topics) {
    const want = existing.find((s) => s.name === topic.name)?.partitions ?? 0;
    if (topic.partitions.length < want) {
      problems.push(`topic ${topic.name} has ${topic.partitions.length} partitions, needs at least ${want}`);
    }
  }
  const checked = existing.filter((s) => Object.keys(s.configs).some((name) => name in REQUIRED_CONFIGS));
  if (checked.length === 0) return problems;
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: checked.map((s) => ({
      // ConfigResourceTypes.TOPIC (kafkajs is CommonJS: its enum is not a named ESM export).
      type: 2 as ConfigResourceTypes,
      name: s.name,
      configNames: Object.keys(s.configs).filter((name) => name in REQUIRED_CONFIGS),
    })),
  });
  for (const resource of described.resources) {
    const spec = checked.find((s) => s.name === resource.resourceName);
    for (const [name, wanted] of Object.entries(spec?.configs ?? {})) {
      const accepts = REQUIRED_CONFIGS[name];
      if (!accepts) continue;
      const actual = resource.configEntries.find((e) => e.configName === name)?.configValue;
      if (!accepts(actual, wanted)) {
        problems.push(`topic ${resource.resourceName} has ${name}=${actual ?? '(unset)'}, needs ${wanted}`);
      }
    }
  }
  return problems;
}

/** A readiness failure whose message `/readyz` may show (it names topics, nothing secret). */
export class TopicsNotReadyError extends Error {
  readonly expose = true;
  constructor(readonly problems: string[]) {
    super(
      problems.length > 0 ? `Kafka topics not ready: ${problems.join('; ')}` : 'Kafka topics not checked yet',
    );
    this.name = 'TopicsNotReadyError';
  }
}

/** Options of {@link TopicReadiness}. */
export interface TopicReadinessOptions {
  /** true: create missing topics (local development); false: only verify (KAFKA_MANAGE_TOPICS). */
  manage: boolean;
  logger?: KafkaLogger;
  /** How often unready topics are checked again (default 5 s). */
  pollMs?: number;
}

/**
 * A service's topics as a start step and a readiness check. With management on, `prepare` creates
 * what is missing; with it off, `prepare` waits until the platform team's topics are right, logging
 * what is missing whenever that changes, and `check` (for `/readyz`) names it meanwhile.
 */
export class TopicReadiness {
  #problems: string[] = [];
  #ready = false;
  #stopped = false;
  #wake: (() => void) | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly specs: readonly EnsureTopicSpec[],
    private readonly options: TopicReadinessOptions,
  ) {}

  /** Resolves once every topic is right; rejects if `stop` is called first. */
  async prepare(): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    if (this.options.manage) {
      await ensureTopics(this.admin, this.specs, { logger });
      this.#ready = true;
      return;
    }
    for (;;) {
      if (this.#stopped) throw new Error('stopped while waiting for Kafka topics');
      let problems: string[];
      try {
        problems = await verifyTopics(this.admin, this.specs);
      } catch (error) {
        problems = [`cannot describe topics: ${(error as Error).message}`];
      }
      if (problems.length === 0) {
        this.#problems = [];
        this.#ready = true;
        logger.info({ topics: this.specs.map((s) => s.name) }, 'Kafka topics verified');
        return;
      }
      if (problems.join('\n') !== this.#problems.join('\n')) {
        logger.warn({ problems }, 'Kafka topics not ready (KAFKA_MANAGE_TOPICS=false: not creating them)');
      }
      this.#problems = problems;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 5000);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** The readiness check: rejects, naming what is wrong, until `prepare` has succeeded. */
  readonly check = async (): Promise<void> => {
    if (!this.#ready) throw new TopicsNotReadyError(this.#problems);
  };

  /** Ends a pending `prepare` (shutdown while waiting for topics). */
  stop(): void {
    this.#stopped = true;
    this.#wake?.();
  }
}
