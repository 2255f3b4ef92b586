import { useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import { Link } from '../../app/router';
import { ErrorText } from '../../components/ErrorText';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { type AppsQuery, useApps } from './api';

const SIGN_ON_MODES = [
  'SAML_2_0',
  'OPENID_CONNECT',
  'AUTO_LOGIN',
  'BROWSER_PLUGIN',
  'BOOKMARK',
  'WS_FEDERATION',
  'BASIC_AUTH',
];

/** Apps: search, status and sign-on-mode filters, sort by users, cursor pagination (server-side). */
export function AppsPage() {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [signOnMode, setSignOnMode] = useState('');
  const [sort, setSort] = useState<'label' | 'userCount'>('userCount');
  const [cursors, setCursors] = useState<string[]>([]);
  const query: AppsQuery = {
    limit: 50,
    sort,
    order: sort === 'userCount' ? 'desc' : 'asc',
    ...(q ? { q } : {}),
    ...(status ? { status: status as NonNullable<AppsQuery['status']> } : {}),
    ...(signOnMode ? { signOnMode } : {}),
    ...(cursors.length ? { cursor: cursors[cursors.length - 1] } : {}),
  };
  const apps = useApps(query);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setCursors([]);
    };

  return (
    <Page title="Apps">
      <div className="filters">
        <SearchField value={q} onChange={reset(setQ)}>
          <Label>Search apps</Label>
          <Input />
        </SearchField>
        <label>
          Status
          <select value={status} onChange={(e) => reset(setStatus)(e.target.value)}>
            <option value="">Any</option>
            <option value="ACTIVE">Active</option>
            <option value="INACTIVE">Inactive</option>
          </select>
        </label>
        <label>
          Sign-on mode
          <select value={signOnMode} onChange={(e) => reset(setSignOnMode)(e.target.value)}>
            <option value="">Any</option>
            {SIGN_ON_MODES.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>
          Sort by
          <select value={sort} onChange={(e) => reset(setSort)(e.target.value as typeof sort)}>
            <option value="userCount">Users (most first)</option>
            <option value="label">Name</option>
          </select>
        </label>
      </div>
      <ErrorText error={apps.error} />
      <table className="table" aria-busy={apps.isFetching}>
        <caption className="visually-hidden">Apps</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Status</th>
            <th scope="col">Sign-on mode</th>
            <th scope="col" aria-sort={sort === 'userCount' ? 'descending' : 'none'}>
              Users
            </th>
            <th scope="col">Groups</th>
            <th scope="col">Findings</th>
          </tr>
        </thead>
        <tbody>
          {apps.data?.items.map((a) => (
            <tr key={`${a.connectionId}/${a.id}`}>
              <th scope="row">
                <Link href={`/apps/${a.connectionId}/${encodeURIComponent(a.id)}`}>{a.label}</Link>
              </th>
              <td>{a.status}</td>
              <td>{a.signOnMode ?? '—'}</td>
              <td>{a.userCount}</td>
              <td>{a.groupCount}</td>
              <td>{a.findingCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {apps.data?.items.length === 0 && <p>No apps match.</p>}
      <Pager cursors={cursors} next={apps.data?.nextCursor} onChange={setCursors} />
    </Page>
  );
}
