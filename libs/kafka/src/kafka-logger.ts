/** The logger the kafka lib needs; a pino logger satisfies it. */
export interface KafkaLogger {
  debug(fields: Record<string, unknown>, message?: string): void;
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: KafkaLogger = { debug() {}, info() {}, warn() {}, error() {} };
