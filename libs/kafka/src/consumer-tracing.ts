import type { AnyCloudEvent } from '@appgov/contracts';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { BatchItem, MessageOrigin } from './consumer-types.js';
import { extractTraceContext } from './trace-context.js';

const tracer = trace.getTracer('@appgov/kafka');

/** The CONSUMER span of one message, a child of its producer's trace, and the context it runs in. */
export function startMessageSpan(
  origin: MessageOrigin,
  groupId: string,
  event: AnyCloudEvent,
): { span: Span; spanContext: Context } {
  const traceContext = extractTraceContext(origin.headers);
  const span = tracer.startSpan(
    `process ${origin.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': origin.topic,
        'messaging.consumer.group.name': groupId,
        'messaging.kafka.offset': Number(origin.offset),
        'cloudevents.event_type': event.type,
        'cloudevents.event_id': event.id,
      },
    },
    traceContext,
  );
  return { span, spanContext: trace.setSpan(traceContext, span) };
}

/**
 * Runs `fn` in one CONSUMER span per handler call of a batch: its parent is the first message's
 * trace (a batch usually carries one sync's records), and it links every message's producer context.
 */
export async function tracedBatch<T>(
  topic: string,
  groupId: string,
  items: BatchItem[],
  fn: () => Promise<T>,
): Promise<T> {
  const contexts = items.map((i) => extractTraceContext(i.origin.headers));
  const links = contexts
    .map((c) => trace.getSpanContext(c))
    .filter((sc) => sc !== undefined && trace.isSpanContextValid(sc))
    .map((sc) => ({ context: sc! }));
  const parent = contexts[0] ?? context.active();
  const span = tracer.startSpan(
    `process ${topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': groupId,
        'messaging.batch.message_count': items.length,
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (error) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}
