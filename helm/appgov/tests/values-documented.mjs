#!/usr/bin/env node
// values.yaml documents every key: each key has a comment line right above it, except the fields
// of Kubernetes objects passed through whole (resources, securityContext, probes' timing, ...),
// which their parent's comment covers. Line-based on purpose: values.yaml is block-style YAML.
import { readFileSync } from 'node:fs';

const PASS_THROUGH = new Set([
  'resources', 'podSecurityContext', 'securityContext', 'matchLabels', 'ingressControllerNamespaceSelector',
  'metricsNamespaceSelector', 'liveness', 'readiness', 'startup', 'hosts', 'tls', 'env', 'behavior',
]);
const file = new URL('../values.yaml', import.meta.url);
const lines = readFileSync(file, 'utf8').split('\n');
const stack = []; // [{indent, key}]
const missing = [];
let commented = false;
lines.forEach((line, i) => {
  if (/^\s*#/.test(line)) return void (commented = true);
  if (/^\s*$/.test(line)) return void (commented = false);
  const m = /^(\s*)([A-Za-z0-9_.-]+):/.exec(line);
  if (!m) return void (commented = false);
  const indent = m[1].length;
  while (stack.length && stack.at(-1).indent >= indent) stack.pop();
  const inside = stack.some((s) => PASS_THROUGH.has(s.key));
  if (!inside && !commented) missing.push(`values.yaml:${i + 1}: ${[...stack.map((s) => s.key), m[2]].join('.')}`);
  stack.push({ indent, key: m[2] });
  commented = false;
});
for (const m of missing) console.error(`undocumented key ${m}`);
process.exit(missing.length ? 1 : 0);
