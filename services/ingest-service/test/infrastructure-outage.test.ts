// Which errors pause a sync until Kafka, Postgres or Redis is back (SPEC §11) instead of failing it.
// The errors are built from the clients' own classes; the whole path runs in test/bench/src/chaos.ts.
import { AppError, isDependencyOutage as isInfrastructureOutage } from '@appgov/errors';
import { OktaErrorCode } from '@appgov/okta-client';
import kafkajs from 'kafkajs';
import t from 'tap';

// kafkajs is CommonJS: its error classes are on the default export.
const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

t.test('Kafka, Postgres and Redis going away count as an outage', async (t) => {
  const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:59092');
  t.ok(
    isInfrastructureOutage(new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 5, retryTime: 9000 })),
  );
  t.ok(isInfrastructureOutage(refused));
  t.ok(isInfrastructureOutage(withCode('connect ECONNREFUSED 127.0.0.1:55432', 'ECONNREFUSED')));
  t.ok(isInfrastructureOutage(withCode('terminating connection due to administrator command', '57P01')));
  t.ok(isInfrastructureOutage(new Error('Connection terminated unexpectedly')));
  t.ok(isInfrastructureOutage(new Error('Connection is closed.')));
  t.ok(isInfrastructureOutage(new Error('Client has encountered a connection error and is not queryable')));
  t.ok(isInfrastructureOutage(new Error('publish failed', { cause: refused })), 'through the cause chain');
});

t.test('Okta failures, bugs and bad messages do not', async (t) => {
  t.notOk(isInfrastructureOutage(new AppError(OktaErrorCode.Unavailable, 'Okta kept failing')));
  t.notOk(isInfrastructureOutage(new TypeError("Cannot read properties of undefined (reading 'id')")));
  t.notOk(isInfrastructureOutage(withCode('duplicate key value violates unique constraint', '23505')));
  t.notOk(
    isInfrastructureOutage(
      new KafkaJSNonRetriableError('The request included a message larger than the max message size'),
    ),
  );
});
