import { readFileSync } from 'node:fs';

/** Minimal `--name value` / `--flag` parsing for the benchmark CLIs (no dependency needed). */
export class Args {
  private readonly values = new Map<string, string>();
  private readonly flags = new Set<string>();

  constructor(argv: readonly string[] = process.argv.slice(2)) {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] as string;
      if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
      const eq = a.indexOf('=');
      if (eq > 0) {
        this.values.set(a.slice(2, eq), a.slice(eq + 1));
        continue;
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        this.values.set(a.slice(2), next);
        i++;
      } else this.flags.add(a.slice(2));
    }
  }

  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} expects a non-negative number, got ${v}`);
    return Math.floor(n);
  }

  str<T extends string>(name: string, fallback: T, allowed?: readonly T[]): T {
    const v = (this.values.get(name) ?? fallback) as T;
    if (allowed && !allowed.includes(v)) throw new Error(`--${name} expects one of ${allowed.join(', ')}`);
    return v;
  }

  flag(name: string): boolean {
    return this.flags.has(name) || this.values.get(name) === 'true';
  }

  /** With --help: prints the leading `//` comment of the bench's source file (its usage) and exits. */
  helpFromHeader(moduleUrl: string): void {
    if (!this.flag('help')) return;
    const lines = readFileSync(new URL(moduleUrl), 'utf8').split('\n');
    const header = lines.slice(
      0,
      lines.findIndex((l) => !l.startsWith('//')),
    );
    console.log(header.map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    process.exit(0);
  }
}
