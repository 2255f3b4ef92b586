import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One message as kcat printed it. */
export interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
}

/**
 * Reads a whole topic with kcat (librdkafka, not kafkajs): the view of a consumer written by
 * another team. `-J` wraps each message in a JSON line; `-e` exits at the end of every partition.
 */
export async function readTopicWithKcat(brokers: string, topic: string): Promise<KcatMessage[]> {
  const { stdout } = await run(
    'kcat',
    ['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'],
    {
      maxBuffer: 256 * 1024 * 1024,
      timeout: 60_000,
    },
  );
  return stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const m = JSON.parse(line) as {
        topic: string;
        partition: number;
        offset: number;
        key: string | null;
        payload: string | null;
      };
      return { topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, payload: m.payload };
    });
}
