import { type TSchema, Type } from '@sinclair/typebox';

/** `limit` and `cursor` of every list (one pagination shape, issue 13). */
export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from nextCursor' })),
});

/** A page of `item`: `nextCursor` is null on the last page. */
export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}
