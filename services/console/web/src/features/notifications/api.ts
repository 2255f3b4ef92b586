import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notificationApi, unwrap } from '../../api/client';
import type { paths } from '../../api/notification';

export type WebhookBody = NonNullable<
  paths['/v1/notifications/webhooks']['post']['requestBody']
>['content']['application/json'];

export function useRecipients() {
  return useQuery({
    queryKey: ['notifications', 'recipients'],
    queryFn: async () =>
      unwrap(await notificationApi.GET('/v1/notifications/recipients', { params: { query: { limit: 200 } } }))
        .items,
  });
}

export function useAddRecipient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (email: string) =>
      unwrap(await notificationApi.POST('/v1/notifications/recipients', { body: { email } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications', 'recipients'] }),
  });
}

export function useRemoveRecipient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await notificationApi.DELETE('/v1/notifications/recipients/{id}', { params: { path: { id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications', 'recipients'] }),
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: ['notifications', 'webhooks'],
    queryFn: async () =>
      unwrap(await notificationApi.GET('/v1/notifications/webhooks', { params: { query: { limit: 200 } } }))
        .items,
  });
}

export function useCreateWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: WebhookBody) =>
      unwrap(await notificationApi.POST('/v1/notifications/webhooks', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notifications', 'webhooks'] }),
  });
}

export function useDeliveries(id: string) {
  return useQuery({
    queryKey: ['notifications', 'webhooks', id, 'deliveries'],
    queryFn: async () =>
      unwrap(
        await notificationApi.GET('/v1/notifications/webhooks/{id}/deliveries', {
          params: { path: { id }, query: { limit: 20 } },
        }),
      ).items,
    refetchInterval: 5_000,
  });
}
