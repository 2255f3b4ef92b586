// catalog-service as its server.ts runs it, but built with the deliberately broken record consumer
// (ServiceOverrides.brokenRecordsOutageHandling): the chaos suite's proof that its checker can fail.
// A test build's entry point; production images run services/catalog-service/dist/src/server.js.
import { createService, loadConfig } from '@appgov/catalog-service';
import { runServiceProcess } from '@appgov/service';

await runServiceProcess({
  name: 'catalog-service (broken record consumer)',
  config: loadConfig(),
  telemetry: { shutdown: async () => {} },
  createService: (config) => createService(config, { brokenRecordsOutageHandling: true }),
});
