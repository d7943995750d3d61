import { z } from 'zod';
import type { PagePosition } from '@fordra/db';
import { HttpProblem } from './problems.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE).describe(`Page size, at most ${MAX_PAGE_SIZE}.`),
  cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });

/** Cursors are opaque to clients: a base64url position in the listing's stable order. */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): PagePosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success) throw new Error('bad cursor');
    return { createdAt: date, id };
  } catch {
    throw new HttpProblem('validation', 'the cursor is not one this API gave out', {
      errors: [{ in: 'query', pointer: '/cursor', detail: 'unknown cursor' }],
    });
  }
}
