const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A date and time in the person's locale, or N/A when there is none. */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span>N/A</span>;
  return <time dateTime={at}>{format.format(new Date(at))}</time>;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'N/A';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}
