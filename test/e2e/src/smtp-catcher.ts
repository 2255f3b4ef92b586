import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the catcher received. */
export interface CaughtMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  file: string | undefined;
}

export interface SmtpCatcherOptions {
  smtpPort?: number;
  httpPort?: number;
  host?: string;
  /** When set, every message is also written there as `<id>.eml`. */
  dir?: string;
  /** Credentials the server requires; without them any login is refused and none is needed. */
  auth?: { user: string; password: string };
}

export interface SmtpCatcher {
  smtpPort: number;
  httpUrl: string;
  mails: CaughtMail[];
  /** Stops accepting connections (to simulate an SMTP outage) without losing what was caught. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real SMTP server that keeps what it receives, for tests and `make demo`: mails are kept in
 * memory, optionally written as .eml files, and listed as JSON over HTTP (`GET /messages`).
 */
export async function startSmtpCatcher(options: SmtpCatcherOptions = {}): Promise<SmtpCatcher> {
  const host = options.host ?? '127.0.0.1';
  const mails: CaughtMail[] = [];
  if (options.dir) {
    await mkdir(options.dir, { recursive: true });
    // A restarted catcher still lists what it caught before (each mail has a .json beside its .eml).
    for (const file of (await readdir(options.dir)).filter((f) => f.endsWith('.json')).sort()) {
      mails.push(JSON.parse(await readFile(join(options.dir, file), 'utf8')) as CaughtMail);
    }
  }

  const makeSmtp = () =>
    new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      authOptional: options.auth === undefined,
      onAuth(auth, _session, cb) {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.password) {
          cb(null, { user: auth.username });
        } else cb(new Error('invalid credentials'));
      },
      onData(stream, session, cb) {
        readAll(stream)
          .then(async (raw) => {
            const parsed = await simpleParser(raw);
            const id = mails.length + 1;
            let file: string | undefined;
            if (options.dir) {
              // The message exactly as it arrived, openable by any mail client.
              file = join(options.dir, `${String(id).padStart(4, '0')}.eml`);
              await writeFile(file, raw);
            }
            const mail: CaughtMail = {
              id,
              receivedAt: new Date().toISOString(),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              file,
            };
            mails.push(mail);
            if (file) await writeFile(file.replace(/\.eml$/, '.json'), JSON.stringify(mail, null, 2));
            cb();
          })
          .catch((err: Error) => cb(err));
      },
    });

  let smtp = makeSmtp();
  const smtpPort = await listen(smtp.server, options.smtpPort ?? 0, host);

  const http: Server = createServer((req, res) => {
    if (req.url === '/messages' || req.url === '/') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(mails, null, 2));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const httpPort = await listen(http, options.httpPort ?? 0, host);

  return {
    smtpPort,
    httpUrl: `http://${host}:${httpPort}`,
    mails,
    async pause() {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
    async resume() {
      smtp = makeSmtp();
      await listen(smtp.server, smtpPort, host);
    },
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => smtp.close(() => resolve())),
        new Promise<void>((resolve) => http.close(() => resolve())),
      ]);
    },
  };
}

function listen(server: NetServer, port: number, host: string) {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
