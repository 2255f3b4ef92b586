// Starts OpenTelemetry before anything else loads: server.ts imports this module first, and ESM
// evaluates imports in order, so ioredis and node:http are patched when they are first loaded.
import { startTelemetryFromEnv } from '@appgov/telemetry';

// OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, OTEL_TRACES_SAMPLER(_ARG): the same schema as config.ts checks.
export const telemetry = startTelemetryFromEnv('console');
