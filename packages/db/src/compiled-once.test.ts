import { DummyDriver, Kysely, sql, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { compiledOnce, compiledRows } from './compiled-once.js';
import type { Insertable } from 'kysely';
import type { CasesTable, Database } from './types.js';

// Compiling needs no connection: a driver that never connects is enough to see the SQL and its values.
const db = new Kysely<Database>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (k) => new PostgresIntrospector(k), createQueryCompiler: () => new PostgresQueryCompiler() },
});

describe('compiledOnce', () => {
  it('builds the query once and puts each run’s values where their parameters stand, a repeated one in every place', () => {
    const build = vi.fn((k: Kysely<Database>, parameter: <T = string>(name: 'creditor' | 'status' | 'limit') => T) =>
      k
        .selectFrom('cases')
        .select('id')
        .where('creditor_id', '=', parameter('creditor'))
        .where((eb) => eb.or([eb('status', '=', parameter<CasesTable['status']>('status')), eb('handler', '=', parameter('creditor'))]))
        .limit(parameter<number>('limit')),
    );
    const query = compiledOnce(['creditor', 'status', 'limit'], build);
    const first = query(db, { creditor: 'c-1', status: 'active', limit: 5 });
    const second = query(db, { creditor: 'c-2', status: 'paid', limit: 7 });
    expect(build).toHaveBeenCalledTimes(1);
    expect(first.sql).toBe('select "id" from "cases" where "creditor_id" = $1 and ("status" = $2 or "handler" = $3) limit $4');
    expect(second.sql).toBe(first.sql);
    expect(first.parameters).toEqual(['c-1', 'active', 'c-1', 5]);
    expect(second.parameters).toEqual(['c-2', 'paid', 'c-2', 7]);
  });

  it('refuses a query that binds a value of its own, which would be frozen into every run', () => {
    const query = compiledOnce(['creditor'], (k, parameter) => k.selectFrom('cases').select('id').where('creditor_id', '=', parameter('creditor')).where('status', '=', 'active'));
    expect(() => query(db, { creditor: 'c-1' })).toThrow(/a bound value is not a parameter: active/);
  });

  it('refuses a parameter name the query never places, which would silently drop a value', () => {
    const query = compiledOnce(['creditor', 'status'], (k, parameter) => k.selectFrom('cases').select('id').where('creditor_id', '=', parameter('creditor')));
    expect(() => query(db, { creditor: 'c-1', status: 'active' })).toThrow(/parameters never placed: status/);
  });
});

describe('compiledRows', () => {
  type Row = Insertable<Database['outbox']>;
  const at = new Date('2026-11-24T08:00:00Z');
  const row = (n: number, over: Partial<Row> = {}): Row => ({ id: `id-${n}`, creditor_id: 'c', case_id: `case-${n}`, type: 'case.created', data: `{"n":${n}}`, occurred_at: at, ...over });
  const ordinary = (rows: Row[]) => db.insertInto('outbox').values(rows).compile();

  it('compiles each shape once and binds each row’s values in its own places', () => {
    const build = vi.fn((k: Kysely<Database>, rows: Row[]) => k.insertInto('outbox').values(rows));
    const insert = compiledRows(build);
    for (const rows of [[row(1), row(2)], [row(3), row(4)], [row(5)], [row(6)]]) {
      const compiled = insert(db, rows);
      expect(compiled.sql).toBe(ordinary(rows).sql);
      expect(compiled.parameters).toEqual(ordinary(rows).parameters);
    }
    // One build for two rows, one for one row: the later calls of each shape reuse them.
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('builds the ordinary way whatever it cannot cache, with the same result', () => {
    const build = vi.fn((k: Kysely<Database>, rows: Row[]) => k.insertInto('outbox').values(rows));
    const insert = compiledRows(build, 3);
    const uncachable: Row[][] = [
      [row(1), row(2), row(3), row(4)], // more rows than cached
      [row(1), { ...row(2), case_id: null }, { id: 'x', creditor_id: 'c', type: 't', data: '{}', occurred_at: at }], // rows naming other columns
      [row(1, { case_id: undefined })], // a skipped column
      [row(1, { occurred_at: sql<Date>`now()` as unknown as Date })], // an expression, not a value (Kysely's types allow it in values)
    ];
    for (const rows of uncachable) {
      const compiled = insert(db, rows);
      expect(compiled.sql).toBe(ordinary(rows).sql);
      expect(compiled.parameters).toEqual(ordinary(rows).parameters);
    }
    expect(build).toHaveBeenCalledTimes(uncachable.length);
  });
});
