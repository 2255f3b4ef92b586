import type { Dataset } from '@appgov/contracts';

/** One record field and the column it lands in. */
export interface ColumnSpec {
  /** Field name in the record (JSON). */
  field: string;
  column: string;
  /** Postgres type `jsonb_to_recordset` parses the field as. */
  type: 'text' | 'integer' | 'timestamptz' | 'jsonb';
}

/** How one dataset is stored: its table, key columns (after tenant and connection) and fields. */
export interface DatasetSpec {
  dataset: Dataset;
  table: string;
  keys: string[];
  columns: ColumnSpec[];
}

const c = (field: string, column: string, type: ColumnSpec['type'] = 'text'): ColumnSpec => ({
  field,
  column,
  type,
});

/** Storage of every dataset (columns follow the contracts' record shapes). */
export const DATASET_SPECS: Record<Dataset, DatasetSpec> = {
  users: {
    dataset: 'users',
    table: 'users',
    keys: ['id'],
    columns: [
      c('id', 'id'),
      c('status', 'status'),
      c('login', 'login'),
      c('email', 'email'),
      c('firstName', 'first_name'),
      c('lastName', 'last_name'),
      c('created', 'created', 'timestamptz'),
      c('activated', 'activated', 'timestamptz'),
      c('statusChanged', 'status_changed', 'timestamptz'),
      c('lastLogin', 'last_login', 'timestamptz'),
      c('lastUpdated', 'last_updated', 'timestamptz'),
      c('passwordChanged', 'password_changed', 'timestamptz'),
      c('typeId', 'type_id'),
    ],
  },
  'user-roles': {
    dataset: 'user-roles',
    table: 'user_roles',
    keys: ['user_id', 'role_id'],
    columns: [
      c('userId', 'user_id'),
      c('roleId', 'role_id'),
      c('type', 'type'),
      c('label', 'label'),
      c('status', 'status'),
      c('assignmentType', 'assignment_type'),
    ],
  },
  groups: {
    dataset: 'groups',
    table: 'groups',
    keys: ['id'],
    columns: [
      c('id', 'id'),
      c('type', 'type'),
      c('name', 'name'),
      c('description', 'description'),
      c('lastUpdated', 'last_updated', 'timestamptz'),
      c('lastMembershipUpdated', 'last_membership_updated', 'timestamptz'),
    ],
  },
  'group-members': {
    dataset: 'group-members',
    table: 'group_members',
    keys: ['group_id', 'user_id'],
    columns: [c('groupId', 'group_id'), c('userId', 'user_id')],
  },
  'group-apps': {
    dataset: 'group-apps',
    table: 'group_apps',
    keys: ['app_id', 'group_id'],
    columns: [c('groupId', 'group_id'), c('appId', 'app_id'), c('priority', 'priority', 'integer')],
  },
  apps: {
    dataset: 'apps',
    table: 'apps',
    keys: ['id'],
    columns: [
      c('id', 'id'),
      c('name', 'name'),
      c('label', 'label'),
      c('status', 'status'),
      c('signOnMode', 'sign_on_mode'),
      c('created', 'created', 'timestamptz'),
      c('lastUpdated', 'last_updated', 'timestamptz'),
      c('features', 'features', 'jsonb'),
      c('credentials', 'credentials', 'jsonb'),
      c('settings', 'settings', 'jsonb'),
    ],
  },
  'app-users': {
    dataset: 'app-users',
    table: 'app_users',
    keys: ['app_id', 'user_id'],
    columns: [
      c('appId', 'app_id'),
      c('userId', 'user_id'),
      c('scope', 'scope'),
      c('status', 'status'),
      c('userName', 'user_name'),
      c('lastUpdated', 'last_updated', 'timestamptz'),
    ],
  },
  'app-grants': {
    dataset: 'app-grants',
    table: 'app_grants',
    keys: ['app_id', 'id'],
    columns: [
      c('appId', 'app_id'),
      c('id', 'id'),
      c('status', 'status'),
      c('issuer', 'issuer'),
      c('clientId', 'client_id'),
      c('scopeId', 'scope_id'),
      c('source', 'source'),
      c('userId', 'user_id'),
      c('created', 'created', 'timestamptz'),
      c('createdBy', 'created_by', 'jsonb'),
    ],
  },
  'api-tokens': {
    dataset: 'api-tokens',
    table: 'api_tokens',
    keys: ['id'],
    columns: [
      c('id', 'id'),
      c('name', 'name'),
      c('userId', 'user_id'),
      c('clientName', 'client_name'),
      c('created', 'created', 'timestamptz'),
      c('expiresAt', 'expires_at', 'timestamptz'),
      c('lastUpdated', 'last_updated', 'timestamptz'),
      c('tokenWindow', 'token_window'),
      c('networkConnection', 'network_connection'),
    ],
  },
};

/** Catalog tables of the nine datasets. */
export const DATASET_TABLES = Object.values(DATASET_SPECS).map((s) => s.table);
