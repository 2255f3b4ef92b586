const LABELS: Record<string, string> = { in_progress: 'In progress', success: 'Success', error: 'Error' };

/** A connection status in the guide's words; the colour is never the only signal (the text says it). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{LABELS[status] ?? status}</span>;
}
