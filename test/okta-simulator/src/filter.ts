// A minimal reader of Okta's SCIM-like `filter` expressions: `field op "value"` joined by `and`/`or`
// (no parentheses). Enough for incremental syncs: `lastUpdated gt "2024-01-01T00:00:00.000Z"`.

type Op = 'eq' | 'gt' | 'ge' | 'lt' | 'le';
interface Clause {
  field: string;
  op: Op;
  value: string;
}

export type FieldReader = (field: string) => string | number | null | undefined;

export interface ParsedFilter {
  matches(read: FieldReader): boolean;
}

const CLAUSE = /^\s*([A-Za-z][\w.]*)\s+(eq|gt|ge|lt|le)\s+"([^"]*)"\s*$/i;

/** Returns undefined when the expression is not understood (Okta answers 400 E0000031). */
export function parseFilter(expr: string): ParsedFilter | undefined {
  const anyOf: Clause[][] = [];
  for (const disjunct of expr.split(/\s+or\s+/i)) {
    const all: Clause[] = [];
    for (const part of disjunct.split(/\s+and\s+/i)) {
      const m = CLAUSE.exec(part);
      if (!m) return undefined;
      all.push({ field: m[1] as string, op: (m[2] as string).toLowerCase() as Op, value: m[3] as string });
    }
    anyOf.push(all);
  }
  return {
    matches: (read) => anyOf.some((all) => all.every((c) => test(c, read(c.field)))),
  };
}

function test(c: Clause, actual: string | number | null | undefined): boolean {
  if (actual === undefined || actual === null) return false;
  let a: string | number = actual;
  let b: string | number = c.value;
  if (typeof actual === 'number') {
    b = Date.parse(c.value);
    if (Number.isNaN(b)) return false;
  } else {
    a = actual.toLowerCase();
    b = c.value.toLowerCase();
  }
  switch (c.op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}
