import { request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Each `Link` header line separately (node joins repeated headers in `headers`). */
  links: string[];
  body: unknown;
  text: string;
}

/** GET through node:http so tests can set the Host header (it selects the org). */
export function get(
  base: string,
  path: string,
  opts: { token?: string; host?: string; scheme?: string; method?: string; body?: unknown } = {},
): Promise<Reply> {
  const url = new URL(path, base);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `${opts.scheme ?? 'SSWS'} ${opts.token}`;
  if (opts.host) headers.host = opts.host;
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (payload) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const links: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]?.toLowerCase() === 'link') links.push(res.rawHeaders[i + 1] as string);
        }
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, links, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The URL of rel="next", or undefined. */
export function nextLink(links: string[]): string | undefined {
  for (const l of links) {
    const m = /^<([^>]+)>;\s*rel="next"$/.exec(l);
    if (m) return m[1];
  }
  return undefined;
}

/** Follows Link rel="next" to the end; returns every item and the number of pages. */
export async function readAll(
  base: string,
  path: string,
  opts: { token: string; host?: string },
): Promise<{ items: Record<string, unknown>[]; pages: number; replies: Reply[] }> {
  const items: Record<string, unknown>[] = [];
  const replies: Reply[] = [];
  let next: string | undefined = new URL(path, base).href;
  while (next) {
    const r = await get(base, next.replace(/^http:\/\/[^/]+/, ''), opts);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    replies.push(r);
    items.push(...(r.body as Record<string, unknown>[]));
    next = nextLink(r.links);
  }
  return { items, pages: replies.length, replies };
}
