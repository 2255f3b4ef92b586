import { readFileSync } from 'node:fs';
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

t.test('catches a message, lists it over HTTP, and still lists it after a restart', async (t) => {
  const dir = t.testdir();
  const catcher = await startSmtpCatcher({ dir });
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
    file: string;
  }[];
  t.equal(listed.length, 1);
  t.equal(listed[0]?.subject, 'acme.okta.com is ready');
  t.same(listed[0]?.to, ['b@example.com']);
  t.match(
    readFileSync(listed[0]?.file ?? '', 'utf8'),
    /^Subject: acme\.okta\.com is ready/m,
    'raw .eml kept',
  );

  await catcher.close();
  const again = await startSmtpCatcher({ dir });
  t.teardown(() => again.close());
  t.equal(again.mails[0]?.subject, 'acme.okta.com is ready', 'a restarted catcher lists earlier mail');
});
