#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startSmtpCatcher } from './smtp-catcher.js';

// Standalone SMTP catcher for `make demo`: mails land as .eml files in --dir and at GET /messages.
const { values } = parseArgs({
  options: {
    'smtp-port': { type: 'string', default: '2525' },
    'http-port': { type: 'string', default: '8025' },
    dir: { type: 'string', default: '.local/demo/mail' },
  },
});
const catcher = await startSmtpCatcher({
  smtpPort: Number(values['smtp-port']),
  httpPort: Number(values['http-port']),
  dir: values.dir,
});
console.log(
  `SMTP catcher on 127.0.0.1:${catcher.smtpPort}; mail in ${values.dir} and ${catcher.httpUrl}/messages`,
);
const stop = () => void catcher.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
