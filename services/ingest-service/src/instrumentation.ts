// Starts OpenTelemetry before anything else loads: server.ts imports this module first, and ESM
// evaluates imports in order, so pg, ioredis and node:http are patched when they are first loaded.
import { startTelemetryFromEnv } from '@appgov/telemetry';

// OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER(_ARG): checked against the same schema as config.ts.
export const telemetry = startTelemetryFromEnv('ingest-service');
