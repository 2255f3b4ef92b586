import type { TSchema } from '@sinclair/typebox';
import type { TopicId } from './topics.js';

/** What the contract says about one event type: its version, topic, meaning and data schema. */
export interface EventDefinition<S extends TSchema = TSchema> {
  /** Bumped on any breaking change of `data`; a new version gets a new type or topic. */
  readonly version: number;
  readonly topic: TopicId;
  readonly description: string;
  readonly data: S;
}

/** Declares one event type (keeps the schema's static type). */
export const defineEvent = <S extends TSchema>(definition: EventDefinition<S>): EventDefinition<S> =>
  definition;
