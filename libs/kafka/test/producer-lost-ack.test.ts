// A produce request the broker stored but whose answer never arrived (the broker killed, the
// connection cut) must not make a later, different batch vanish. kafkajs hands the failed request's
// sequence numbers back; the next batch sent under the same producer id reused them, the broker took
// it for a duplicate of the stored one, acknowledged it and never stored it: the chaos suite lost a
// records batch that way (loaded run 1, 2026-12-05: app-grants seq 0 acknowledged, not in the log).
import { connect, type Socket } from 'node:net';
import { type ISocketFactory, logLevel } from 'kafkajs';
import t from 'tap';
import { createKafka, createProducer } from '../src/index.js';
import { brokers, collectTopic, createTestTopics, testScope, unique, waitFor } from './kafka-test-env.js';

/** Sockets whose next `armed` Produce requests reach the broker while their answers are lost with the connection. */
function answerLosingSockets() {
  const fault = { armed: 0, tripped: 0 };
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket: Socket = connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      const sent = write(chunk, ...rest);
      // A request: int32 size, then int16 api key (0 = Produce).
      if (fault.armed > 0 && Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === 0) {
        fault.armed--;
        fault.tripped++;
        socket.pause(); // the broker's answer stays unread...
        setTimeout(() => socket.destroy(new Error('connection cut')), 500); // ...and goes with the connection
      }
      return sent;
    }) as typeof socket.write;
    return socket;
  };
  return { fault, socketFactory };
}

t.test('an unanswered produce request does not swallow the next batch', async (t) => {
  const scope = testScope(t);
  const kafka = createKafka({
    clientId: unique('lost-ack'),
    brokers,
    logLevel: logLevel.NOTHING,
  });
  const [topic] = (await createTestTopics(scope, kafka, 1)) as [string];
  const { fault, socketFactory } = answerLosingSockets();
  // One retry inside kafkajs (an idempotent producer needs one), and both answers lost: the send
  // fails, as it does once its retries run out while a broker is down.
  const faulty = createKafka({
    clientId: unique('lost-ack-producer'),
    brokers,
    logLevel: logLevel.NOTHING,
    config: { socketFactory, retry: { retries: 1, initialRetryTime: 100 } },
  });
  const producer = createProducer(faulty);
  await producer.connect();
  scope.teardown(() => producer.disconnect());
  const seen = await collectTopic(scope, kafka, topic);
  const send = (value: string) => producer.send([{ topic, key: 'one-partition', value }]);

  await send('before');
  fault.armed = 2;
  const lost = await send('stored, answer lost').then(
    () => 'answered',
    (e: Error) => e.name,
  );
  t.equal(fault.tripped, 2, 'the answers of the request and its retry were lost');
  t.not(lost, 'answered', `that send failed (${lost})`);
  await send('the next batch');
  await send('and one more');
  await waitFor(() => seen.some((m) => m.value === 'and one more'), 20_000, 'the last batch');
  const values = seen.map((m) => m.value);
  t.ok(values.includes('stored, answer lost'), 'the broker had stored the unanswered batch');
  t.ok(values.includes('the next batch'), 'the batch sent after it is stored too, not taken for a duplicate');
  t.same(
    values.filter((v) => v !== 'stored, answer lost'),
    ['before', 'the next batch', 'and one more'],
    'in order',
  );
});
