#!/usr/bin/env node
// A negative assertion passes on a typo: `notExists: data.KAFKA_SSL_CA_FLE` or a `notContains` of a
// misspelt rule hold forever. So every negative assertion of the helm-unittest suites needs a
// positive twin somewhere in them that would fail on the same typo:
//   notExists P     a positive assertion (exists, equal, isSubset, contains, ...) on path P or
//                   below it, where isSubset/equal of a map at Q also covers Q.<each key>; or, for
//                   P = Q.K, one on Q and one on some other path ending in the same key K
//   notContains P C a `contains` on path P with the same content (whitespace aside)
//   hasDocuments 0  a positive assertion in the same suite (its templates do render); a misspelt
//                   `set:` key cannot switch a template off, values.schema.json refuses unknown keys
// Line-based on purpose: the suites are block-style YAML with `- <assertion>:` items.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('./', import.meta.url);
const POSITIVE = new Set(['exists', 'equal', 'isSubset', 'contains', 'lengthEqual', 'matchRegex', 'isNotNullOrEmpty', 'isNotEmpty', 'isType']);

/** "a.b[0]['c.d']" -> ["a", "b", "[0]", "c.d"] (array indexes kept, quotes dropped). */
function segments(path) {
  const out = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+|\*)\]|\[["']([^"']+)["']\]/g)) {
    out.push(m[1] ?? (m[2] !== undefined ? `[${m[2]}]` : m[3]));
  }
  return out;
}
const key = (segs) => segs.join('\u0000');

/** Every assertion of a file: {kind, path, content (whitespace-free), keys, file, line}. */
function assertions(file) {
  const lines = readFileSync(new URL(file, dir), 'utf8').split('\n');
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)- (\w+):\s*(\{\})?\s*$/.exec(lines[i]);
    if (!m || m[2] === 'it') continue;
    const indent = m[1].length;
    const body = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j];
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      if (l.search(/\S/) <= indent + 2 && !/^\s*(template|documentIndex|documentSelector):/.test(l.trim() ? l.slice(indent + 2) : '')) {
        if (l.search(/\S/) <= indent + 1 || !/^\s+(template|documentIndex|documentSelector):/.test(l)) break;
      }
      body.push(l);
    }
    const pathLine = body.find((l) => /^\s*path:\s/.test(l));
    if (!pathLine) continue;
    const path = pathLine.replace(/^\s*path:\s*/, '').trim();
    const blockStart = body.findIndex((l) => /^\s*(content|value):\s*$/.test(l));
    const keys = [];
    let content = '';
    const inline = body.find((l) => /^\s*(content|value):\s*\S/.test(l));
    if (blockStart >= 0) {
      const base = body[blockStart].search(/\S/);
      const inner = [];
      for (const l of body.slice(blockStart + 1)) {
        if (l.search(/\S/) <= base) break;
        inner.push(l);
      }
      const first = inner.length ? inner[0].search(/\S/) : 0;
      for (const l of inner) {
        const k = /^\s*([^\s:#-][^:]*):/.exec(l);
        if (k && l.search(/\S/) === first) keys.push(k[1].replace(/^["']|["']$/g, ''));
      }
      content = inner.join('').replace(/\s+/g, '');
    } else if (inline) {
      content = inline.replace(/^\s*(content|value):/, '').replace(/\s+/g, '');
    }
    found.push({ kind: m[2], path, content, keys, file, line: i + 1 });
  }
  return found;
}

const all = readdirSync(dir)
  .filter((f) => f.endsWith('_test.yaml'))
  .flatMap(assertions);
const positivePaths = new Set();
const lastKeys = new Set();
const containsSeen = new Set();
for (const a of all.filter((x) => POSITIVE.has(x.kind))) {
  const segs = segments(a.path);
  positivePaths.add(key(segs));
  lastKeys.add(segs.at(-1));
  for (const k of a.keys) {
    positivePaths.add(key([...segs, k]));
    lastKeys.add(k);
  }
  if (a.kind === 'contains') containsSeen.add(`${key(segs)}\u0001${a.content}`);
}
/** Some positive assertion holds on this path or below it (so the path is spelt right). */
const proven = (segs) => [...positivePaths].some((p) => p === key(segs) || p.startsWith(`${key(segs)}\u0000`));
const missing = [];
for (const a of all) {
  const segs = segments(a.path);
  if (a.kind === 'notExists') {
    const direct = proven(segs);
    const byParts = proven(segs.slice(0, -1)) && lastKeys.has(segs.at(-1));
    if (!direct && !byParts) missing.push(a);
  } else if (a.kind === 'notContains') {
    if (!containsSeen.has(`${key(segs)}\u0001${a.content}`)) missing.push(a);
  }
}
for (const file of readdirSync(dir).filter((f) => f.endsWith('_test.yaml'))) {
  const text = readFileSync(new URL(file, dir), 'utf8');
  const none = [...text.matchAll(/- hasDocuments:\s*\n\s*count: 0\s*$/gm)];
  if (none.length && !all.some((a) => a.file === file && POSITIVE.has(a.kind))) {
    missing.push({ file, line: text.slice(0, none[0].index).split('\n').length, kind: 'hasDocuments', path: 'count 0' });
  }
}
const negatives = all.filter((a) => a.kind === 'notExists' || a.kind === 'notContains').length;
for (const a of missing) console.error(`${a.file}:${a.line}: ${a.kind} ${a.path} has no positive twin`);
console.log(`${negatives} negative assertions, ${missing.length} without a positive twin`);
process.exit(missing.length ? 1 : 0);
