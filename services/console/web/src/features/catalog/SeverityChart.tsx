import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];

/** Findings by severity as bars (uPlot); the same numbers are in the figure's text for screen readers. */
export function SeverityChart({ counts }: { counts: Record<string, number> }) {
  const el = useRef<HTMLDivElement>(null);
  const values = SEVERITIES.map((s) => counts[s] ?? 0);
  const key = values.join(',');
  useEffect(() => {
    if (!el.current) return;
    const bars = uPlot.paths.bars?.({ size: [0.6, 80] });
    const plot = new uPlot(
      {
        width: 420,
        height: 200,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.5, SEVERITIES.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        axes: [
          {
            values: (_u, ticks) => ticks.map((t) => SEVERITIES[t] ?? ''),
            splits: () => SEVERITIES.map((_, i) => i),
          },
          {},
        ],
        series: [
          {},
          { label: 'Findings', fill: '#b3261e', stroke: '#b3261e', paths: bars, points: { show: false } },
        ],
      },
      [SEVERITIES.map((_, i) => i), key.split(',').map(Number)],
      el.current,
    );
    return () => plot.destroy();
  }, [key]);
  const text = SEVERITIES.map((s, i) => `${s}: ${values[i]}`).join(', ');
  return (
    <figure className="chart">
      <div ref={el} role="img" aria-label={`Open findings by severity. ${text}`} />
      <figcaption>Open findings by severity ({text})</figcaption>
    </figure>
  );
}
