// catalog-service as its server.ts runs it, but built with the deliberately broken record consumer
// (ServiceOverrides.brokenRecordsOutageHandling): the chaos suite's proof that its checker can fail.
// A test build's entry point; production images run services/catalog-service/dist/src/server.js.
import { createService, loadConfig } from '@appgov/catalog-service';
import { shutdownOnSignals } from '@appgov/http';

const config = loadConfig();
const service = await createService(config, { brokenRecordsOutageHandling: true });
shutdownOnSignals(() => service.stop(), service.logger);
try {
  await service.app.listen({ port: config.PORT, host: config.HOST });
  await service.start();
} catch (err) {
  service.logger.fatal({ err }, 'broken catalog-service failed to start');
  await service.stop().catch(() => {});
  process.exit(1);
}
