#!/usr/bin/env node
// Whole-pipeline benchmark (issue 8) and its side-by-side with the official SDK:
//   node test/bench/dist/src/pipeline.js [--small 20] [--large 1] [--large-users N --large-groups N
//     --large-apps N] [--small-users N ...] [--window-ms 60000] [--mode appgov|sdk|both]
//     [--sync-concurrency N] [--bucket-share 0.5] [--sdk-concurrency 4] [--timeout-s 3600] [--keep]
// Needs the local infrastructure (make up) and built services (make build). See docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import { Args } from './lib/args.js';
import { total } from './lib/orgs.js';
import { describeScale, SCALE_USAGE, scaleFromArgs } from './lib/scale.js';
import { formatPipelineResult, type PipelineResult, runPipeline } from './pipeline-run.js';
import { formatSdkResult, runSdkBaseline, type SdkBaselineResult } from './sdk-baseline-run.js';

if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error('Node 24 is needed: export PATH=/work/main/.tools/bin:/work/main/node_modules/.bin:$PATH');
  process.exit(2);
}
const args = new Args();
if (args.flag('help')) {
  console.log(`usage: node test/bench/dist/src/pipeline.js [flags]\n${SCALE_USAGE}
  --mode appgov|sdk|both   what to run (default appgov); both: Appgov, then the SDK script on identical fresh orgs
  --sync-concurrency N     ingest SYNC_CONCURRENCY (default: the number of orgs, at most 32)
  --bucket-share F         ingest OKTA_BUCKET_SHARE (default 0.5, the product default)
  --max-in-flight N        ingest OKTA_MAX_IN_FLIGHT (default: the service's)
  --sdk-concurrency N      SDK script requests in flight per org (default 4)
  --timeout-s S            give up waiting for the catalog after S seconds (default 3600)
  --log-level L            services' LOG_LEVEL (default warn)
  --show-logs              print the tail of each service's output
  --keep                   keep schemas and topics`);
  process.exit(0);
}
const mode = args.str('mode', 'appgov', ['appgov', 'sdk', 'both'] as const);
const scale = scaleFromArgs(args);
const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
console.log(`scale: ${describeScale(scale)}; mode ${mode}; run ${runId}`);
const bucketShare = Number(args.str('bucket-share', '0.5'));

let appgov: PipelineResult | undefined;
let sdk: SdkBaselineResult | undefined;
if (mode !== 'sdk') {
  appgov = await runPipeline({
    scale,
    runId,
    syncConcurrency: args.int('sync-concurrency', Math.min(32, Math.max(1, scale.orgs.length))),
    bucketShare,
    ...(args.int('max-in-flight', 0) ? { maxInFlight: args.int('max-in-flight', 0) } : {}),
    timeoutMs: args.int('timeout-s', 3600) * 1000,
    logLevel: args.str('log-level', 'warn'),
    keep: args.flag('keep'),
  });
  console.log(`\n${formatPipelineResult(appgov)}\n`);
  if (appgov.orgs.some((o) => o.outcome !== 'complete') || args.flag('show-logs'))
    for (const [name, tail] of Object.entries(appgov.logTails))
      if (tail.trim()) console.log(`--- ${name} (last output) ---\n${tail}\n`);
}
if (mode !== 'appgov') {
  sdk = await runSdkBaseline({
    scale,
    runId,
    concurrency: args.int('sdk-concurrency', 4),
    keep: args.flag('keep'),
  });
  console.log(`\n${formatSdkResult(sdk)}\n`);
}
if (appgov && sdk) {
  const aCalls = appgov.orgs.reduce((a, o) => a + o.calls.total, 0);
  const sCalls = sdk.orgs.reduce((a, o) => a + o.calls.total, 0);
  const a429 = appgov.orgs.reduce((a, o) => a + o.calls.rateLimited, 0);
  const s429 = sdk.orgs.reduce((a, o) => a + o.calls.rateLimited, 0);
  const aRecords = appgov.orgs.reduce((a, o) => a + total(o.catalog), 0);
  const sRows = sdk.orgs.reduce((a, o) => a + total(o.rows), 0);
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}`);
  console.log('Side by side (SDK script ÷ Appgov):');
  console.log(
    `  wall time   Appgov ${(appgov.wallMs / 1000).toFixed(1)} s, SDK ${(sdk.wallMs / 1000).toFixed(1)} s → ${ratio(sdk.wallMs, appgov.wallMs)}`,
  );
  console.log(`  Okta calls  Appgov ${aCalls}, SDK ${sCalls} → ${ratio(sCalls, aCalls)}`);
  console.log(`  429s        Appgov ${a429}, SDK ${s429}`);
  console.log(`  records     Appgov ${aRecords} in the catalog, SDK ${sRows} rows`);
}
process.exit(appgov?.orgs.some((o) => o.outcome !== 'complete') ? 1 : 0);
