import { type ReactNode, useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/** A searchable, cursor-paginated catalog list (users, admins, API tokens). */
export function ListScreen<T>(props: {
  title: string;
  searchLabel: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  useRows: (query: { q?: string; cursor?: string; limit: number }) => {
    data?: { items: T[]; nextCursor: string | null };
    error: unknown;
  };
}) {
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const rows = props.useRows({
    limit: 50,
    ...(q ? { q } : {}),
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
  });
  return (
    <Page title={props.title}>
      <div className="filters">
        <SearchField
          value={q}
          onChange={(v) => {
            setQ(v);
            setCursors([]);
          }}
        >
          <Label>{props.searchLabel}</Label>
          <Input />
        </SearchField>
      </div>
      <ErrorText error={rows.error} />
      <table className="table">
        <caption className="visually-hidden">{props.title}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.data?.items.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c) => (
                <td key={c.header}>{c.cell(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.data?.items.length === 0 && <p>Nothing found.</p>}
      <Pager cursors={cursors} next={rows.data?.nextCursor} onChange={setCursors} />
    </Page>
  );
}
