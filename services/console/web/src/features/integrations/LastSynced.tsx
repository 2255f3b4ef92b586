import { Time } from '../../components/Time';
import { STALE_REASONS } from './api';

/** Last synced, red when stale, with the reason on hover and for screen readers. */
export function LastSynced({
  at,
  stale,
  reason,
}: {
  at: string | null;
  stale: boolean;
  reason: string | null;
}) {
  if (!stale) return <Time at={at} />;
  const why = STALE_REASONS[reason ?? ''] ?? 'The last sync is overdue.';
  return (
    <span className="stale" title={why}>
      <Time at={at} />
      <span className="visually-hidden">. Stale: {why}</span>
    </span>
  );
}
