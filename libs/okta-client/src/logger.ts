/** The pino-compatible subset of a logger the Okta client writes to (never with credentials). */
export interface OktaLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}
