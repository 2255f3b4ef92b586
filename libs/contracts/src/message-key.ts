import type { CloudEvent } from './cloud-event.js';
import { type EventType, eventSchemas } from './event-registry.js';
import { connectionKey, inventoryKey } from './topics.js';

/** The Kafka key of an event, by its topic's keying rule (see `TOPIC_DEFAULTS[..].key`). */
export function messageKey(event: CloudEvent<EventType>): string {
  const topic = eventSchemas[event.type].topic;
  if (event.connectionid === undefined) throw new Error(`${event.type} needs a connectionid to be keyed`);
  // The app-inventory topic keys by the object the event is about (its subject).
  if (topic === 'appInventory') return inventoryKey(event.tenantid, event.connectionid, event.subject);
  return connectionKey(event.connectionid);
}
