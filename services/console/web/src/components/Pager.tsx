import { Button } from 'react-aria-components';

/** Cursor pagination: the cursors seen so far make Previous possible without offsets. */
export function Pager(props: {
  cursors: string[];
  next: string | null | undefined;
  onChange: (c: string[]) => void;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <Button
        isDisabled={props.cursors.length === 0}
        onPress={() => props.onChange(props.cursors.slice(0, -1))}
      >
        Previous page
      </Button>
      <span>Page {props.cursors.length + 1}</span>
      <Button
        isDisabled={!props.next}
        onPress={() => props.next && props.onChange([...props.cursors, props.next])}
      >
        Next page
      </Button>
    </nav>
  );
}
