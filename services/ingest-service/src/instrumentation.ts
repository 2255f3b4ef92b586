// Starts OpenTelemetry before anything else loads: server.ts imports this module first, and ESM
// evaluates imports in order, so pg, ioredis and node:http are patched when they are first loaded.
import { startTelemetry } from '@appgov/telemetry';

export const telemetry = startTelemetry({
  serviceName: 'ingest-service',
  otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
});
