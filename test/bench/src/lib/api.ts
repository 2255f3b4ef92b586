/** One answer of the services' HTTP APIs: status and parsed JSON body (undefined when empty). */
export interface ApiAnswer {
  status: number;
  body: Record<string, any> | undefined;
}

/** A JSON caller of the services' public APIs with a bearer JWT. */
export type Api = (url: string, init?: { method?: string; body?: unknown }) => Promise<ApiAnswer>;

export function apiClient(jwt: string): Api {
  return async (url, init = {}) => {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${jwt}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
}
