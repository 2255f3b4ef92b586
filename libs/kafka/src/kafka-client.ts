import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { type KafkaLogger, silentLogger } from './kafka-logger.js';
import { type KafkaConnectionEnv, kafkaSecurity } from './kafka-security.js';

/** Options of `createKafka`. */
export interface CreateKafkaOptions {
  clientId: string;
  /** `host:port` list, or a comma-separated string as in `KAFKA_BROKERS`. */
  brokers: string[] | string;
  logger?: KafkaLogger;
  /** kafkajs log level forwarded to the logger (default WARN; kafkajs INFO is chatty). */
  logLevel?: logLevel;
  /** Extra kafkajs settings (ssl, sasl, timeouts). */
  config?: Omit<KafkaConfig, 'clientId' | 'brokers' | 'logCreator' | 'logLevel'>;
}

/** Parses `KAFKA_BROKERS`-style input into a broker list. */
export const parseBrokers = (brokers: string[] | string): string[] =>
  (Array.isArray(brokers) ? brokers : brokers.split(',')).map((b) => b.trim()).filter((b) => b.length > 0);

/** A kafkajs client whose logs go to the given logger. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const logger = options.logger ?? silentLogger;
  return new Kafka({
    ...options.config,
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }) => {
        const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
        const entry = { ...fields, kafkaNamespace: namespace };
        // kafkajs logs every retried protocol error ("[Connection] Response ...", e.g. a coordinator
        // still loading) at ERROR although it then retries and succeeds; those are warnings to us.
        if (level === logLevel.ERROR && namespace === 'Connection') logger.warn(entry, message);
        else if (level === logLevel.ERROR) logger.error(entry, message);
        else if (level === logLevel.WARN) logger.warn(entry, message);
        else if (level === logLevel.INFO) logger.info(entry, message);
        else logger.debug(entry, message);
      },
  });
}

/**
 * The client every service uses: brokers, TLS and SASL from its environment (the same variables in
 * every service and in the Helm chart).
 */
export function createKafkaFromEnv(
  env: KafkaConnectionEnv,
  options: Omit<CreateKafkaOptions, 'brokers'>,
): Kafka {
  return createKafka({
    ...options,
    brokers: env.KAFKA_BROKERS,
    config: { ...options.config, ...kafkaSecurity(env) },
  });
}
