import { useQuery } from '@tanstack/react-query';
import { setCsrfToken, signIn } from '../../api/client';

/** Who is signed in (`GET /api/me`, the console's own route); 401 sends the person to sign in. */
export interface Me {
  sub: string;
  email: string;
  name?: string;
  tenant: string;
  roles: string[];
  csrfToken: string;
  expiresAt: string;
}

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me> => {
      const res = await fetch('/api/me', { headers: { accept: 'application/json' } });
      if (res.status === 401) {
        signIn();
        return new Promise<Me>(() => {});
      }
      if (!res.ok) throw new Error(`/api/me answered ${res.status}`);
      const me = (await res.json()) as Me;
      setCsrfToken(me.csrfToken);
      return me;
    },
    staleTime: 60_000,
  });
}

export const canChange = (me: Me) => me.roles.includes('admin');
export const isOperator = (me: Me) => me.roles.includes('operator') && !me.roles.includes('admin');

export async function signOut(me: Me): Promise<void> {
  const res = await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': me.csrfToken } });
  const body = (await res.json().catch(() => ({}))) as { redirectTo?: string };
  window.location.assign(body.redirectTo ?? '/');
}
