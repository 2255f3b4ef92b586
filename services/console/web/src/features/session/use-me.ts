import { useQuery } from '@tanstack/react-query';
import { consoleApi, setCsrfToken, signIn } from '../../api/client';
import type { paths } from '../../api/console';

/** Who is signed in (`GET /api/me`, the console's own route); 401 sends the person to sign in. */
export type Me = paths['/api/me']['get']['responses'][200]['content']['application/json'];

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me> => {
      const { data, response } = await consoleApi.GET('/api/me');
      if (response.status === 401) {
        signIn();
        return new Promise<Me>(() => {});
      }
      if (!data) throw new Error(`/api/me answered ${response.status}`);
      setCsrfToken(data.csrfToken);
      return data;
    },
    staleTime: 60_000,
  });
}

export const canChange = (me: Me) => me.roles.includes('admin');
export const isOperator = (me: Me) => me.roles.includes('operator') && !me.roles.includes('admin');

export async function signOut(): Promise<void> {
  const { data } = await consoleApi.POST('/auth/logout');
  window.location.assign(data?.redirectTo ?? '/');
}
