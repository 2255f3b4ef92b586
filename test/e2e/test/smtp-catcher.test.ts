import { createConnection } from 'node:net';
import t from 'tap';
import { startSmtpCatcher } from '../src/index.js';

// Speaks plain SMTP so the catcher is tested against the protocol, not against our own client.
async function sendRaw(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1');
    let transcript = '';
    let i = 0;
    socket.on('data', (d) => {
      transcript += d.toString();
      if (i < lines.length && /\r\n$/.test(transcript)) socket.write(`${lines[i++]}\r\n`);
      else if (i >= lines.length) socket.end();
    });
    socket.on('end', () => resolve(transcript));
    socket.on('error', reject);
  });
}

t.test('catches a message and lists it over HTTP', async (t) => {
  const catcher = await startSmtpCatcher({ dir: t.testdir() });
  t.teardown(() => catcher.close());
  await sendRaw(catcher.smtpPort, [
    'HELO test',
    'MAIL FROM:<a@example.com>',
    'RCPT TO:<b@example.com>',
    'DATA',
    'Subject: acme.okta.com is ready\r\n\r\nhello\r\n.',
    'QUIT',
  ]);
  const listed = (await (await fetch(`${catcher.httpUrl}/messages`)).json()) as {
    subject: string;
    to: string[];
  }[];
  t.equal(listed.length, 1);
  t.equal(listed[0]?.subject, 'acme.okta.com is ready');
  t.same(listed[0]?.to, ['b@example.com']);
});
