import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { problem, useApi } from '../../test/harness.js';

const api = useApi();

interface Row {
  id: string;
  creditorId: string;
  caseId: string | null;
  type: string;
  position: number | null;
}

interface FeedItem {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: string;
  data: Record<string, unknown>;
  position: string;
}

const TYPES = ['case.created', 'case.paused', 'payment.received', 'case.resumed'] as const;

/** Writes outbox rows as the API would, then numbers those given a position as the relay would. */
async function insert(rows: Row[]) {
  const occurredAt = new Date('2026-11-24T08:00:00Z');
  await api.database.db
    .insertInto('outbox')
    .values(
      rows.map((r, i) => ({
        id: r.id,
        creditor_id: r.creditorId,
        case_id: r.caseId,
        type: r.type,
        data: JSON.stringify(r.caseId ? { caseId: r.caseId, status: 'active', n: i } : { endpointId: r.id, url: 'https://erp.example/hooks', reason: 'gone' }),
        occurred_at: new Date(occurredAt.getTime() + i * 1000),
        published_at: r.position === null ? null : occurredAt,
        position: r.position,
      })),
    )
    .execute();
}

async function page(auth: { authorization: string }, query: string) {
  const res = await api.app.inject({ method: 'GET', url: `/v1/events${query}`, headers: auth });
  if (res.statusCode !== 200) throw new Error(`expected 200, got ${res.statusCode}: ${res.body}`);
  return res.json<{ items: FeedItem[]; nextCursor: string }>();
}

/** Follows nextCursor until a page is not full; returns every item read and the cursor to read on from. */
async function readAll(auth: { authorization: string }, params: { limit: number; types?: string; after?: string }) {
  const items: FeedItem[] = [];
  let after = params.after;
  for (let i = 0; i < 1000; i++) {
    const q = new URLSearchParams({ limit: String(params.limit), ...(params.types ? { types: params.types } : {}), ...(after ? { after } : {}) });
    const p = await page(auth, `?${q}`);
    items.push(...p.items);
    after = p.nextCursor;
    if (p.items.length < params.limit) return { items, after };
  }
  throw new Error('the feed never ended');
}

describe('GET /v1/events', () => {
  let a: { id: string; auth: { authorization: string } };
  let b: { id: string; auth: { authorization: string } };
  const aRows: Row[] = [];
  const bRows: Row[] = [];
  const unnumbered: Row[] = [];
  const caseId = randomUUID();

  beforeAll(async () => {
    a = await api.creditor('Feed A AB');
    b = await api.creditor('Feed B AB');
    // Positions interleave between the creditors and are written out of order: the feed's order
    // is the position, never the insertion order or the id.
    const positions = Array.from({ length: 40 }, (_, i) => 1000 + i * 3);
    const shuffled = [...positions].sort((x, y) => ((x * 7919) % 97) - ((y * 7919) % 97));
    for (const [i, position] of shuffled.entries()) {
      const row = { id: randomUUID(), creditorId: a.id, caseId: i % 5 === 0 ? null : caseId, type: i % 5 === 0 ? 'webhook_endpoint.disabled' : TYPES[i % TYPES.length]!, position };
      aRows.push(row);
      bRows.push({ id: randomUUID(), creditorId: b.id, caseId: randomUUID(), type: 'case.created', position: position + 1 });
    }
    for (let i = 0; i < 3; i++) unnumbered.push({ id: randomUUID(), creditorId: a.id, caseId, type: 'case.paused', position: null });
    await insert([...aRows.slice(0, 20), ...unnumbered, ...bRows, ...aRows.slice(20)]);
  });

  const inOrder = (rows: Row[]) => [...rows].sort((x, y) => (x.position ?? 0) - (y.position ?? 0));

  it('answers the creditor’s published events as CloudEvents, in position order', async () => {
    const body = await page(a.auth, '?limit=500');
    expect(body.items.map((e) => e.id)).toEqual(inOrder(aRows).map((r) => r.id));
    expect(body.items.map((e) => Number(e.position))).toEqual(inOrder(aRows).map((r) => r.position));
    const withCase = body.items.find((e) => e.type === 'case.paused')!;
    expect(withCase).toEqual({
      specversion: '1.0',
      id: expect.any(String),
      source: `/creditors/${a.id}`,
      type: 'case.paused',
      subject: caseId,
      time: expect.stringMatching(/^2026-11-24T08:\d\d:\d\d\.000Z$/),
      datacontenttype: 'application/json',
      data: expect.objectContaining({ caseId, status: 'active' }),
      position: expect.stringMatching(/^\d+$/),
    });
    const noCase = body.items.find((e) => e.type === 'webhook_endpoint.disabled')!;
    expect(noCase).not.toHaveProperty('subject');
  });

  it('leaves out events the relay has not numbered yet', async () => {
    const body = await page(a.auth, '?limit=500');
    const ids = new Set(body.items.map((e) => e.id));
    for (const row of unnumbered) expect(ids.has(row.id)).toBe(false);
  });

  it('pages by cursor with nothing skipped or repeated, and picks up events published later', async () => {
    const first = await readAll(a.auth, { limit: 7 });
    expect(first.items.map((e) => e.id)).toEqual(inOrder(aRows).map((r) => r.id));
    expect(new Set(first.items.map((e) => e.id)).size).toBe(aRows.length);

    // Up to date: the same cursor answers nothing, again and again.
    expect((await page(a.auth, `?after=${first.after}`)).items).toEqual([]);
    expect((await page(a.auth, `?after=${first.after}`)).nextCursor).toBe(first.after);

    // The relay numbers the waiting rows, and one more of another creditor.
    const published = unnumbered.map((r, i) => ({ ...r, position: 5000 + i * 2 }));
    for (const r of published) await api.database.db.updateTable('outbox').set({ position: r.position, published_at: new Date() }).where('id', '=', r.id).execute();
    const later = await readAll(a.auth, { limit: 2, after: first.after });
    expect(later.items.map((e) => e.id)).toEqual(published.map((r) => r.id));
    expect((await page(a.auth, `?after=${later.after}`)).items).toEqual([]);
  });

  it('does not pass events a relay is numbering until they commit', async () => {
    const d = await api.creditor('Feed D AB');
    const early = { id: randomUUID(), creditorId: d.id, caseId, type: 'case.created', position: 20_000 };
    const pending = Array.from({ length: 3 }, () => ({ id: randomUUID(), creditorId: d.id, caseId, type: 'case.paused', position: null }));
    await insert([early, ...pending]);

    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    let numbered!: () => void;
    const isNumbered = new Promise<void>((resolve) => (numbered = resolve));
    const relay = api.database.db.transaction().execute(async (trx) => {
      for (const [i, r] of pending.entries()) await trx.updateTable('outbox').set({ position: 20_001 + i, published_at: new Date() }).where('id', '=', r.id).execute();
      numbered();
      await committing;
    });
    await isNumbered;
    const before = await page(d.auth, '?limit=500');
    expect(before.items.map((e) => e.id)).toEqual([early.id]);
    // A filtered reader skips ahead over what it did not ask for, but not over what is uncommitted.
    const filtered = await page(d.auth, '?types=case.paused');
    expect(filtered.items).toEqual([]);
    commit();
    await relay;
    const after = await page(d.auth, `?after=${before.nextCursor}&limit=500`);
    expect(after.items.map((e) => e.id)).toEqual(pending.map((r) => r.id));
    const afterFiltered = await page(d.auth, `?after=${filtered.nextCursor}&types=case.paused`);
    expect(afterFiltered.items.map((e) => e.id)).toEqual(pending.map((r) => r.id));
  });

  it('keeps only the types asked for, in order, paged', async () => {
    const wanted = ['case.paused', 'payment.received'];
    const all = (await page(a.auth, '?limit=500')).items;
    const filtered = await readAll(a.auth, { limit: 3, types: wanted.join(',') });
    expect(filtered.items.length).toBeGreaterThan(3);
    expect(filtered.items.every((e) => wanted.includes(e.type))).toBe(true);
    expect(filtered.items.map((e) => e.id)).toEqual(all.filter((e) => wanted.includes(e.type)).map((e) => e.id));

    // A filtered reader that is up to date has passed the events it did not ask for too.
    const one = await page(a.auth, '?types=case.resumed&limit=500');
    expect(one.items.every((e) => e.type === 'case.resumed')).toBe(true);
    expect(one.nextCursor).toBe((await page(a.auth, '?limit=500')).nextCursor);
  });

  it('never shows another creditor’s events', async () => {
    const seenByB = await readAll(b.auth, { limit: 9 });
    expect(seenByB.items.map((e) => e.id)).toEqual(inOrder(bRows).map((r) => r.id));
    expect(seenByB.items.every((e) => e.source === `/creditors/${b.id}`)).toBe(true);
    const aIds = new Set([...aRows, ...unnumbered].map((r) => r.id));
    expect(seenByB.items.some((e) => aIds.has(e.id))).toBe(false);

    const seenByA = await readAll(a.auth, { limit: 500 });
    const bIds = new Set(bRows.map((r) => r.id));
    expect(seenByA.items.some((e) => bIds.has(e.id))).toBe(false);

    // A's cursor in B's hands is only a position: B reads its own events after it.
    const afterFirstTen = (await page(a.auth, '?limit=10')).nextCursor;
    const fromThere = await page(b.auth, `?after=${afterFirstTen}&limit=500`);
    expect(fromThere.items.every((e) => bIds.has(e.id))).toBe(true);
  });

  it('answers 100 events by default and 500 at most', async () => {
    const c = await api.creditor('Feed C AB');
    await insert(Array.from({ length: 120 }, (_, i) => ({ id: randomUUID(), creditorId: c.id, caseId: randomUUID(), type: 'case.created', position: 10_000 + i })));
    const body = await page(c.auth, '');
    expect(body.items).toHaveLength(100);
    expect(body.items[99]!.position).toBe('10099');
    expect((await page(c.auth, `?after=${body.nextCursor}`)).items).toHaveLength(20);
    for (const limit of ['0', '501', 'ten']) {
      const res = await api.app.inject({ method: 'GET', url: `/v1/events?limit=${limit}`, headers: c.auth });
      expect(problem(res, 400).errors?.[0]).toMatchObject({ in: 'query', pointer: '/limit' });
    }
  });

  it('refuses a cursor it did not give out', async () => {
    for (const after of ['abc!', 'not a cursor', Buffer.from('-1').toString('base64url'), Buffer.from('1e3').toString('base64url'), Buffer.from('99999999999999999999').toString('base64url'), `${Buffer.from('12').toString('base64url')}=`]) {
      const res = await api.app.inject({ method: 'GET', url: `/v1/events?after=${encodeURIComponent(after)}`, headers: a.auth });
      const body = problem(res, 400);
      expect(body.type).toBe('/problems/validation');
      expect(body.errors).toEqual([{ in: 'query', pointer: '/after', detail: 'unknown cursor' }]);
    }
  });

  it('refuses unknown event types', async () => {
    for (const types of ['case.exploded', 'case.created,nope', '', 'case.created,']) {
      const res = await api.app.inject({ method: 'GET', url: `/v1/events?types=${encodeURIComponent(types)}`, headers: a.auth });
      expect(problem(res, 400).errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/types' })]);
    }
  });

  it('needs an API key', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/v1/events' });
    expect(problem(res, 401).type).toBe('/problems/unauthorized');
  });
});
