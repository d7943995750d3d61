import type { FastifyInstance } from 'fastify';

/**
 * Graceful close for clients that keep their connections alive (proxies, SDKs). On close Fastify
 * stops listening, closes the connections that are idle, and, built with `return503OnClosing:
 * false`, still serves a request that reaches it on a connection already open, answering it with
 * `Connection: close`. What it misses: the answer to a request that was already running when the
 * close began goes out as keep-alive, and its connection then sits idle until `keepAliveTimeout`
 * (72 s), holding the close, and the process, past its grace period. From the close on, every
 * answer therefore says `Connection: close`, so each connection ends with the request it carries.
 */
export function registerDraining(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}
