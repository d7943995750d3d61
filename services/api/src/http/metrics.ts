import type { FastifyInstance } from 'fastify';
import { createHttpMetrics, type Registry } from '@fordra/runtime';

/**
 * Times every answer into `fordra_http_request_duration_seconds`, labelled with the route's
 * pattern (`/v1/cases/:id`), so ids never become label values; requests that matched no route
 * share the pattern `unmatched`.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const http = createHttpMetrics(registry);
  app.addHook('onResponse', async (request, reply) => {
    http.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', statusCode: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
}
