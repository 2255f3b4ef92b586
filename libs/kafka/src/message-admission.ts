import type { AnyCloudEvent } from '@appgov/contracts';
import { errorMessage } from '@appgov/errors';
import type { KafkaMessage } from 'kafkajs';
import type { EventRegistry, MessageOrigin } from './consumer-types.js';
import type { DlqWriter } from './dlq-writer.js';
import { decodeHeaders } from './message-headers.js';

/** Where a message came from, with its headers decoded. */
export function originOf(topic: string, partition: number, message: KafkaMessage): MessageOrigin {
  const headers = decodeHeaders(message.headers);
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    headers,
    traceparent: headers.traceparent,
  };
}

/** Parses and validates a message; what cannot be handled goes to the DLQ and yields null. */
export type Admission = (origin: MessageOrigin, message: KafkaMessage) => Promise<AnyCloudEvent | null>;

export function createAdmission(registry: EventRegistry, sendToDlq: DlqWriter): Admission {
  return async (origin, message) => {
    let parsed: unknown;
    try {
      if (message.value === null) throw new Error('null value');
      parsed = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      await sendToDlq(origin, message.value, 'unparseable', [
        { at: new Date().toISOString(), error: errorMessage(error), code: 'EVENT_UNPARSEABLE' },
      ]);
      return null;
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    if (!registry.isKnownType(type)) {
      await sendToDlq(
        origin,
        message.value,
        'unknown_type',
        [
          {
            at: new Date().toISOString(),
            error: `unknown event type ${JSON.stringify(type ?? null)}`,
            code: 'EVENT_UNKNOWN_TYPE',
          },
        ],
        typeof type === 'string' ? type : undefined,
      );
      return null;
    }
    const errors = registry.validate(parsed);
    if (errors.length > 0) {
      await sendToDlq(
        origin,
        message.value,
        'schema_invalid',
        [{ at: new Date().toISOString(), error: errors.join('; '), code: 'EVENT_SCHEMA_INVALID' }],
        type as string,
      );
      return null;
    }
    return parsed as AnyCloudEvent;
  };
}
