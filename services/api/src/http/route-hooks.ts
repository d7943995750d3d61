import type { RouteOptions } from 'fastify';

type RouteHookName = 'preHandler' | 'onSend' | 'onResponse';

/**
 * Adds a hook to one route as it is declared (from an `onRoute` hook), after any the route has of
 * its own. A hook that concerns only some routes (idempotent ones, audited ones) is thereby not
 * run, and not paid for, on every request of the API.
 */
export function addRouteHook(route: RouteOptions, name: RouteHookName, hook: NonNullable<RouteOptions[RouteHookName]>): void {
  const existing = route[name] as unknown;
  const hooks = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  (route as unknown as Record<RouteHookName, unknown[]>)[name] = [...hooks, ...(Array.isArray(hook) ? hook : [hook])];
}

/** The methods a route answers; Fastify declares the HEAD twin of a GET route as a route of its own. */
export function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}
