// RFC 8288 Link header parsing. Okta sends `self` and `next` as separate headers; fetch-style
// clients join repeated headers with ", ", and URLs may themselves contain commas (filters), so
// this tokenises `<...>` references instead of splitting on commas.

/** One parsed link: its target and its parameters (rel values lower-cased). */
export interface ParsedLink {
  url: string;
  rel: string[];
  params: Record<string, string>;
}

/** Parses one or many Link header values into links, in order. Malformed parts are skipped. */
export function parseLinkHeader(value: string | readonly string[] | undefined | null): ParsedLink[] {
  if (value == null) return [];
  const values = typeof value === 'string' ? [value] : value;
  const links: ParsedLink[] = [];
  for (const v of values) parseOne(v, links);
  return links;
}

function parseOne(input: string, out: ParsedLink[]): void {
  let i = 0;
  const n = input.length;
  while (i < n) {
    const lt = input.indexOf('<', i);
    if (lt < 0) return;
    const gt = input.indexOf('>', lt + 1);
    if (gt < 0) return;
    const url = input.slice(lt + 1, gt).trim();
    i = gt + 1;
    const params: Record<string, string> = {};
    // Parameters run until a comma that is outside quotes.
    while (i < n) {
      while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
      if (input[i] === ',') {
        i++;
        break;
      }
      if (input[i] !== ';') {
        i++;
        continue;
      }
      i++;
      while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
      let name = '';
      while (i < n && /[^=;,\s]/.test(input[i] as string)) name += input[i++];
      while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
      let val = '';
      if (input[i] === '=') {
        i++;
        while (i < n && (input[i] === ' ' || input[i] === '\t')) i++;
        if (input[i] === '"') {
          i++;
          while (i < n && input[i] !== '"') {
            if (input[i] === '\\' && i + 1 < n) i++;
            val += input[i++];
          }
          i++;
        } else {
          while (i < n && /[^;,\s]/.test(input[i] as string)) val += input[i++];
        }
      }
      if (name) params[name.toLowerCase()] = val;
    }
    const rel = (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (url) out.push({ url, rel, params });
  }
}

/** The first link with the given rel, resolved against `base` when relative. */
export function findLink(
  value: string | readonly string[] | undefined | null,
  rel: string,
  base?: string | URL,
): string | undefined {
  const wanted = rel.toLowerCase();
  const link = parseLinkHeader(value).find((l) => l.rel.includes(wanted));
  if (!link) return undefined;
  try {
    return new URL(link.url, base).toString();
  } catch {
    return undefined;
  }
}

/** True when `url` is absolute and has exactly the origin (scheme, host, port) of `base`. */
export function isSameOrigin(url: string, base: string | URL): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}
