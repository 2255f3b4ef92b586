// First: starts OpenTelemetry before the modules it patches load.
import './instrumentation.js';
import { runServiceProcess } from '@appgov/service';
import { loadConfig } from './config.js';
import { telemetry } from './instrumentation.js';
import { createService } from './service.js';

// The process: config, service, listen, and a clean stop on SIGTERM/SIGINT (libs/service).
await runServiceProcess({ name: 'ingest-service', config: loadConfig(), telemetry, createService });
