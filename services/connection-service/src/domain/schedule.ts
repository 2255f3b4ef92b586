/** next = now + interval ± jitter·interval, so thousands of connections do not start together (C10). */
export function nextSyncAt(
  now: Date,
  intervalSeconds: number,
  jitterRatio: number,
  random: () => number,
): Date {
  const jitter = (random() * 2 - 1) * jitterRatio * intervalSeconds;
  return new Date(now.getTime() + Math.round((intervalSeconds + jitter) * 1000));
}
