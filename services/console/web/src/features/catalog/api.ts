// Catalog server state: cursor-paginated lists (server-side filters and sort) and an app's page.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { paths } from '../../api/catalog';
import { catalogApi, unwrap } from '../../api/client';

type Query<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } }
  ? NonNullable<Q>
  : never;
export type AppsQuery = Query<'/v1/catalog/apps'>;
export type FindingsQuery = Query<'/v1/catalog/findings'>;

export function useApps(query: AppsQuery) {
  return useQuery({
    queryKey: ['catalog', 'apps', query],
    queryFn: async () => unwrap(await catalogApi.GET('/v1/catalog/apps', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useApp(connectionId: string, id: string) {
  return useQuery({
    queryKey: ['catalog', 'app', connectionId, id],
    queryFn: async () =>
      unwrap(
        await catalogApi.GET('/v1/catalog/apps/{connectionId}/{id}', {
          params: { path: { connectionId, id } },
        }),
      ),
  });
}

export function useFindings(query: FindingsQuery) {
  return useQuery({
    queryKey: ['catalog', 'findings', query],
    queryFn: async () => unwrap(await catalogApi.GET('/v1/catalog/findings', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useUsers(query: Query<'/v1/catalog/users'>) {
  return useQuery({
    queryKey: ['catalog', 'users', query],
    queryFn: async () => unwrap(await catalogApi.GET('/v1/catalog/users', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useAdmins(query: Query<'/v1/catalog/admins'>) {
  return useQuery({
    queryKey: ['catalog', 'admins', query],
    queryFn: async () => unwrap(await catalogApi.GET('/v1/catalog/admins', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useApiTokens(query: Query<'/v1/catalog/api-tokens'>) {
  return useQuery({
    queryKey: ['catalog', 'api-tokens', query],
    queryFn: async () => unwrap(await catalogApi.GET('/v1/catalog/api-tokens', { params: { query } })),
    placeholderData: keepPreviousData,
  });
}
