import { appRoutes } from './apps.routes.js';
import { groupRoutes } from './groups.routes.js';
import { orgRoutes } from './org.routes.js';
import type { Route } from './route.js';
import { userRoutes } from './users.routes.js';

export type { ApiContext, ApiResult, Route } from './route.js';

/** Every GET endpoint the simulator serves, most specific pattern first within each resource. */
export const API_ROUTES: Route[] = [...userRoutes, ...groupRoutes, ...appRoutes, ...orgRoutes];

export function matchRoute(path: string): { route: Route; params: string[] } | undefined {
  for (const route of API_ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
