// Integrations' server state: the provider summary, the Okta connections and their syncs, and the
// changes. Lists poll while anything is in progress so status changes show without a reload (U3).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { connectionApi, unwrap } from '../../api/client';
import type { paths } from '../../api/connection';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Connection = Json<
  paths['/v1/integrations/okta/connections']['get']['responses'][200]
>['items'][number];
export type Provider = Json<paths['/v1/integrations/providers']['get']['responses'][200]>['items'][number];
export type SyncRun = Json<
  paths['/v1/integrations/okta/connections/{id}/syncs']['get']['responses'][200]
>['items'][number];
export type ConnectBody = NonNullable<
  paths['/v1/integrations/okta/connections']['post']['requestBody']
>['content']['application/json'];

export const keys = {
  providers: ['integrations', 'providers'] as const,
  connections: ['integrations', 'okta', 'connections'] as const,
  syncs: (id: string) => ['integrations', 'okta', 'connections', id, 'syncs'] as const,
};

const busy = (items: Connection[] | undefined) =>
  items?.some((c) => c.status === 'in_progress' || c.currentSync !== null) ?? false;

export function useConnections() {
  return useQuery({
    queryKey: keys.connections,
    queryFn: async () =>
      unwrap(
        // One page holds them all: the per-tenant quota (CONNECTIONS_PER_TENANT_MAX) is 100 by default.
        await connectionApi.GET('/v1/integrations/okta/connections', { params: { query: { limit: 200 } } }),
      ).items,
    refetchInterval: (q) => (busy(q.state.data) ? 1_000 : 10_000),
  });
}

/** The provider summary; `statuses` (the domains' statuses) in the key refetches it when one changes. */
export function useProviders(fast: boolean, statuses: string) {
  return useQuery({
    queryKey: [...keys.providers, statuses],
    queryFn: async () => unwrap(await connectionApi.GET('/v1/integrations/providers')).items,
    placeholderData: keepPreviousData,
    refetchInterval: fast ? 1_000 : 10_000,
  });
}

export function useSyncs(id: string, fast: boolean) {
  return useQuery({
    queryKey: keys.syncs(id),
    queryFn: async () =>
      unwrap(
        await connectionApi.GET('/v1/integrations/okta/connections/{id}/syncs', {
          params: { path: { id }, query: { limit: 5 } },
        }),
      ).items,
    refetchInterval: fast ? 1_000 : 10_000,
  });
}

function useRefreshAfter() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['integrations'] });
}

export function useConnect() {
  const refresh = useRefreshAfter();
  return useMutation({
    mutationFn: async (body: ConnectBody) =>
      unwrap(await connectionApi.POST('/v1/integrations/okta/connections', { body })),
    onSuccess: refresh,
  });
}

export function useReplaceToken(id: string) {
  const refresh = useRefreshAfter();
  return useMutation({
    mutationFn: async (apiToken: string) =>
      unwrap(
        await connectionApi.PUT('/v1/integrations/okta/connections/{id}/token', {
          params: { path: { id } },
          body: { apiToken, confirm: true },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useDeleteConnection(id: string) {
  const refresh = useRefreshAfter();
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await connectionApi.DELETE('/v1/integrations/okta/connections/{id}', {
          params: { path: { id }, query: { confirm: true } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useSyncNow(id: string) {
  const refresh = useRefreshAfter();
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await connectionApi.POST('/v1/integrations/okta/connections/{id}/sync', { params: { path: { id } } }),
      ),
    onSuccess: refresh,
  });
}

/** The guide's words for why a last sync is red. */
export const STALE_REASONS: Record<string, string> = {
  last_success_too_old: 'The last successful sync is older than expected; check the status and the token.',
  never_synced: 'This domain has never synced successfully.',
  sync_running_too_long: 'The current sync is taking excessively long.',
};
