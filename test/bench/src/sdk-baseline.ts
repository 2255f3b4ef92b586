#!/usr/bin/env node
// The SDK side of the side-by-side alone:
//   node test/bench/dist/src/sdk-baseline.js [--small 20] [--large 1] [--large-users N ...]
//     [--window-ms 60000] [--latency-ms 0] [--sdk-concurrency 4] [--keep]
// Same orgs (seeds, counts) as `pipeline.js` with the same flags. See docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { Args } from './lib/args.js';
import { describeScale, SCALE_USAGE, scaleFromArgs } from './lib/scale.js';
import { formatSdkResult, runSdkBaseline } from './sdk-baseline-run.js';

const args = new Args();
if (args.flag('help')) {
  console.log(`usage: node test/bench/dist/src/sdk-baseline.js [flags]\n${SCALE_USAGE}
  --sdk-concurrency N  requests in flight per org (default 4; 1 = plain loops)
  --keep               keep the sdk_baseline_<run> schema`);
  process.exit(0);
}
const scale = scaleFromArgs(args);
const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
console.log(`scale: ${describeScale(scale)}`);
const result = await runSdkBaseline({
  scale,
  runId,
  concurrency: args.int('sdk-concurrency', 4),
  keep: args.flag('keep'),
});
console.log(`\n${formatSdkResult(result)}`);
