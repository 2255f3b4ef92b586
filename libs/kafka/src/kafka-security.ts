import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';

/** The Kafka connection variables of every service (`kafkaConfigProperties` in libs/config). */
export interface KafkaConnectionEnv {
  KAFKA_BROKERS: string;
  KAFKA_SSL?: boolean | undefined;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SSL_CERT_FILE?: string | undefined;
  KAFKA_SSL_KEY_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

/** Raised at boot when the Kafka variables do not fit together; names variables, never values. */
export class KafkaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KafkaConfigError';
  }
}

function readPem(variable: string, path: string, read: (path: string) => string): string {
  try {
    return read(path);
  } catch (error) {
    throw new KafkaConfigError(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/**
 * The kafkajs `ssl` and `sasl` settings of the environment: TLS with the system CAs, or the CA of
 * KAFKA_SSL_CA_FILE, plus a client certificate; SASL PLAIN or SCRAM. Files are read once, at boot.
 */
export function kafkaSecurity(
  env: KafkaConnectionEnv,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const result: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  const tlsFiles = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
  const setFiles = tlsFiles.filter((name) => env[name]);
  if (!env.KAFKA_SSL && setFiles.length > 0) {
    throw new KafkaConfigError(`${setFiles.join(', ')} set but KAFKA_SSL is not true`);
  }
  if (Boolean(env.KAFKA_SSL_CERT_FILE) !== Boolean(env.KAFKA_SSL_KEY_FILE)) {
    throw new KafkaConfigError('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together');
  }
  if (env.KAFKA_SSL) {
    const ca = env.KAFKA_SSL_CA_FILE && readPem('KAFKA_SSL_CA_FILE', env.KAFKA_SSL_CA_FILE, read);
    const cert = env.KAFKA_SSL_CERT_FILE && readPem('KAFKA_SSL_CERT_FILE', env.KAFKA_SSL_CERT_FILE, read);
    const key = env.KAFKA_SSL_KEY_FILE && readPem('KAFKA_SSL_KEY_FILE', env.KAFKA_SSL_KEY_FILE, read);
    result.ssl =
      setFiles.length === 0 ? true : { ...(ca ? { ca: [ca] } : {}), ...(cert && key ? { cert, key } : {}) };
  }
  if (env.KAFKA_SASL_MECHANISM) {
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) {
      throw new KafkaConfigError(
        `KAFKA_SASL_MECHANISM=${env.KAFKA_SASL_MECHANISM} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
      );
    }
    result.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    } as SASLOptions;
  } else if (env.KAFKA_SASL_USERNAME || env.KAFKA_SASL_PASSWORD) {
    throw new KafkaConfigError('KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD set without KAFKA_SASL_MECHANISM');
  }
  return result;
}
