import type { ReactNode } from 'react';

/** A button that shows or hides a region; the arrow is decoration, kept out of the accessible name. */
export function DisclosureButton(props: {
  expanded: boolean;
  controls?: string;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="disclosure"
      aria-expanded={props.expanded}
      aria-controls={props.expanded ? props.controls : undefined}
      onClick={props.onToggle}
    >
      <span aria-hidden="true">{props.expanded ? '▾ ' : '▸ '}</span>
      {props.children}
    </button>
  );
}
