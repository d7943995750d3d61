import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROBLEMS, type ProblemSlug } from '../../http/problems.js';

/** Makes every problem `type` resolvable: GET /problems/<kind> explains that kind of error. */
export const problemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/problems/:kind',
    {
      schema: {
        hide: true,
        params: z.object({ kind: z.enum(Object.keys(PROBLEMS) as [ProblemSlug, ...ProblemSlug[]]) }),
        response: { 200: z.object({ type: z.string(), status: z.number(), title: z.string(), description: z.string() }) },
      },
    },
    async (request) => {
      const p = PROBLEMS[request.params.kind];
      return { type: `/problems/${request.params.kind}`, status: p.status, title: p.title, description: p.description };
    },
  );
};
