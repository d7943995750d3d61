import Fastify, { type onSendHookHandler } from 'fastify';
import { describe, expect, it } from 'vitest';
import { addRouteHook, methodsOf } from './route-hooks.js';

describe('hooks added to chosen routes as they are declared', () => {
  it('run after the route’s own hooks, on that route only', async () => {
    const app = Fastify();
    const stamp =
      (name: string): onSendHookHandler =>
      (_request, reply, payload, done) => {
        reply.header('x-hooks', `${String(reply.getHeader('x-hooks') ?? '')}${name};`);
        done(null, payload);
      };
    app.addHook('onRoute', (route) => {
      if (route.config?.marked) addRouteHook(route, 'onSend', stamp('added'));
    });
    app.post('/marked', { config: { marked: true }, onSend: stamp('own') }, async () => ({ ok: true }));
    app.post('/plain', async () => ({ ok: true }));

    const marked = await app.inject({ method: 'POST', url: '/marked' });
    expect(marked.headers['x-hooks']).toBe('own;added;');
    const plain = await app.inject({ method: 'POST', url: '/plain' });
    expect(plain.headers['x-hooks']).toBeUndefined();
    await app.close();
  });

  it('see each method of a route, the HEAD twin of a GET included', async () => {
    const app = Fastify();
    const seen: string[] = [];
    app.addHook('onRoute', (route) => {
      seen.push(...methodsOf(route).map((m) => `${m} ${route.url}`));
    });
    app.get('/cases', async () => []);
    app.route({ method: ['PUT', 'PATCH'], url: '/cases/:id', handler: async () => ({}) });
    await app.ready();
    expect(seen.sort()).toEqual(['GET /cases', 'HEAD /cases', 'PATCH /cases/:id', 'PUT /cases/:id']);
    await app.close();
  });
});

declare module 'fastify' {
  interface FastifyContextConfig {
    marked?: boolean;
  }
}
