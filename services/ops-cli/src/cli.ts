#!/usr/bin/env node
import { run } from './run.js';

// The process: argv in, exit code out; everything else is in run.ts.
const code = await run(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
});
process.exitCode = code;
