import type { Db } from '@fordra/db';
import { toCloudEvent, type CloudEvent } from '@fordra/domain';
import { HttpProblem } from '../../http/problems.js';

/**
 * The creditor's events in feed order: the outbox's `position`. The relay numbers rows while
 * holding the one counter row, so positions become visible in increasing order: once a position
 * is visible, every smaller one is too. Rows not yet numbered (position null) are not in the feed.
 */

export interface FeedItem extends CloudEvent<string, Record<string, unknown>> {
  /** CloudEvents extension attribute: the event's place in the feed, as decimal digits. */
  readonly position: string;
}

export interface FeedPage {
  items: FeedItem[];
  /** Where to read on: after the last item, or after everything scanned when the page is not full. */
  next: bigint;
}

const MAX_POSITION = 2n ** 63n - 1n;

/** Cursors are opaque to clients: the base64url of a position. */
export const encodeFeedCursor = (position: bigint) => Buffer.from(position.toString()).toString('base64url');

export function decodeFeedCursor(cursor: string | undefined): bigint {
  if (cursor === undefined) return 0n;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = /^(0|[1-9][0-9]{0,18})$/.test(text) ? BigInt(text) : null;
  // Buffer's decoder skips characters it does not know: only a cursor that encodes back to itself is ours.
  if (position === null || position > MAX_POSITION || encodeFeedCursor(position) !== cursor) {
    throw new HttpProblem('validation', 'the cursor is not one this API gave out', {
      errors: [{ in: 'query', pointer: '/after', detail: 'unknown cursor' }],
    });
  }
  return position;
}

export async function readFeed(db: Db, creditorId: string, request: { after: bigint; limit: number; types?: readonly string[] | undefined }): Promise<FeedPage> {
  // The head first: every position up to it is visible now, so reading up to it skips nothing,
  // and a page that is not full has seen everything up to the head, matching its types or not.
  const { head } = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('position').as('head'))
    .where('creditor_id', '=', creditorId)
    .where('position', 'is not', null)
    .executeTakeFirstOrThrow();
  const upTo = head === null ? null : BigInt(head);
  if (upTo === null || upTo <= request.after) return { items: [], next: request.after };

  const types = request.types;
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'type', 'case_id', 'data', 'occurred_at', 'position'])
    .where('creditor_id', '=', creditorId)
    .where('position', 'is not', null)
    .where('position', '>', request.after)
    .where('position', '<=', upTo)
    .$if(types !== undefined && types.length > 0, (qb) => qb.where('type', 'in', types ?? []))
    .orderBy('position')
    .limit(request.limit)
    .execute();

  const items = rows.map((row) => ({
    ...toCloudEvent({ id: row.id, type: row.type, creditorId, caseId: row.case_id, occurredAt: row.occurred_at, data: row.data as Record<string, unknown> }),
    position: String(row.position),
  }));
  const last = rows[rows.length - 1];
  const next = rows.length === request.limit && last?.position != null ? BigInt(last.position) : upTo;
  return { items, next };
}
