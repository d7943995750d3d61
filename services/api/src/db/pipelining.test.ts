// The dialect lives in packages/db; its tests live here, beside its first user, because the test
// kit that gives each file its own database depends on packages/db itself.
import { describe, expect, it } from 'vitest';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { alongside, createDb, run, together, type Database, type Statement } from '@fordra/db';
import { useTestDatabase } from '@fordra/testkit';

const database = useTestDatabase();

/** A database handle whose every write to Postgres is recorded as the list of its statements. */
function observedDb(maxConnections = 1) {
  const writes: string[][] = [];
  const db = createDb({ connectionString: database.url, maxConnections, observe: (queries) => writes.push(queries.map((q) => q.sql)) });
  return { db, writes };
}

/** Runs `check` with an observed handle of its own (one connection unless told), closed after. */
async function withObservedDb(check: (handle: ReturnType<typeof observedDb>) => Promise<void>, maxConnections = 1): Promise<void> {
  const handle = observedDb(maxConnections);
  try {
    await check(handle);
  } finally {
    await handle.db.destroy();
  }
}

const value = (db: Kysely<Database>, n: number): Statement<number> => ({
  query: sql<{ n: number }>`SELECT ${n}::int AS n`.compile(db),
  read: (r) => (r.rows[0] as { n: number }).n,
});

const insertNote = (db: Kysely<Database>, id: number, text: string): Statement<number> => ({
  query: sql`INSERT INTO pipelining_notes (id, text) VALUES (${id}, ${text})`.compile(db),
  read: (r) => Number(r.numAffectedRows),
});

async function notes(db: Kysely<Database>): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM pipelining_notes ORDER BY id`.execute(db);
  return rows.map((r) => r.id);
}

async function freshNotes(db: Kysely<Database>) {
  await sql`DROP TABLE IF EXISTS pipelining_notes`.execute(db);
  await sql`CREATE TABLE pipelining_notes (id int PRIMARY KEY, text text NOT NULL)`.execute(db);
}

describe('statements sent together', () => {
  it('go in one write and answer in their order, a null in place of a statement answering undefined', async () => {
    await withObservedDb(async ({ db, writes }) => {
      const answers = await together(db, [value(db, 1), null, value(db, 2), value(db, 3)]);
      expect(answers).toEqual([1, undefined, 2, 3]);
      expect(writes).toHaveLength(1);
      expect(writes[0]).toHaveLength(3);
      expect(await run(db, value(db, 4))).toBe(4);
    });
  });

  it('in a transaction: the first failure rejects the call with its own error, and nothing of the transaction stays', async () => {
    await withObservedDb(async ({ db }) => {
      await freshNotes(db);
      await run(db, insertNote(db, 1, 'before'));
      const attempt = db.transaction().execute((trx) => together(trx, [insertNote(trx, 2, 'new'), insertNote(trx, 1, 'duplicate'), insertNote(trx, 3, 'after')]));
      // The duplicate key is the cause; the statement after it only failed because the transaction had.
      await expect(attempt).rejects.toMatchObject({ code: '23505', table: 'pipelining_notes' });
      expect(await notes(db)).toEqual([1]);
      // The one connection is clean again: its next transaction commits.
      await db.transaction().execute((trx) => together(trx, [insertNote(trx, 2, 'new'), insertNote(trx, 3, 'after')]));
      expect(await notes(db)).toEqual([1, 2, 3]);
    });
  });

  it('outside a transaction: each statement stands alone, so the ones around a failure are kept', async () => {
    await withObservedDb(async ({ db }) => {
      await freshNotes(db);
      await run(db, insertNote(db, 1, 'before'));
      await expect(together(db, [insertNote(db, 2, 'new'), insertNote(db, 1, 'duplicate'), insertNote(db, 3, 'after')])).rejects.toMatchObject({ code: '23505' });
      expect(await notes(db)).toEqual([1, 2, 3]);
    });
  });

  it('refuse to run through a dialect that cannot send them together, rather than run something else', async () => {
    const plain = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 1 }) }) });
    try {
      await expect(together(plain, [value(plain, 1), value(plain, 2)])).rejects.toThrow(/need the PipeliningPostgresDialect/);
    } finally {
      await plain.destroy();
    }
  });
});

describe('a transaction’s BEGIN', () => {
  it('goes with the first statement, and the transaction is still one: unseen by others until it commits, gone when it rolls back', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await freshNotes(db);
      writes.length = 0;
      let seenInside: number[] = [];
      await db.transaction().execute(async (trx) => {
        await run(trx, insertNote(trx, 1, 'kept'));
        // Another connection of the same pool does not see the uncommitted row.
        seenInside = await notes(db);
    });
    expect(seenInside).toEqual([]);
    expect(writes[0]).toEqual(['begin', expect.stringMatching(/^INSERT INTO pipelining_notes/)]);
    expect(writes.at(-1)).toEqual(['commit']);

    await expect(
      db.transaction().execute(async (trx) => {
        await run(trx, insertNote(trx, 2, 'dropped'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(writes.at(-1)).toEqual(['rollback']);
    expect(await notes(db)).toEqual([1]);
    }, 2);
  });

  it('is never sent for a transaction that ran nothing', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await db.transaction().execute(async () => undefined);
      await expect(db.transaction().execute(async () => Promise.reject(new Error('refused before any statement')))).rejects.toThrow('refused before any statement');
      expect(writes).toEqual([]);
    });
  });

  it('keeps the isolation level and access mode asked for', async () => {
    await withObservedDb(async ({ db, writes }) => {
      const level = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute(async (trx) => (await sql<{ level: string; readOnly: string }>`SELECT current_setting('transaction_isolation') AS level, current_setting('transaction_read_only') AS "readOnly"`.execute(trx)).rows[0]);
      expect(level).toEqual({ level: 'repeatable read', readOnly: 'on' });
      expect(writes[0]![0]).toBe('start transaction isolation level repeatable read read only');
      // Raw statements still run alone, as written.
      expect((await db.executeQuery(CompiledQuery.raw('SELECT 1 AS one'))).rows).toEqual([{ one: 1 }]);
    });
  });
});

describe('a statement sent alongside', () => {
  it('rides behind the next statement sent outside a transaction, in the same write', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await freshNotes(db);
      writes.length = 0;
      const rider = alongside(db, insertNote(db, 1, 'audit').query);
      expect(await run(db, value(db, 7))).toBe(7);
      await expect(rider).resolves.toMatchObject({ numAffectedRows: 1n });
      expect(writes[0]).toEqual([expect.stringMatching(/^SELECT/), expect.stringMatching(/^INSERT INTO pipelining_notes/)]);
      expect(await notes(db)).toEqual([1]);
    });
  });

  it('goes alone when nothing else is sent this turn', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await freshNotes(db);
      writes.length = 0;
      await alongside(db, insertNote(db, 1, 'audit').query);
      expect(writes).toEqual([[expect.stringMatching(/^INSERT INTO pipelining_notes/)]]);
    });
  });

  it('never rides into a transaction: it is kept when the transaction rolls back', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await freshNotes(db);
      let rider: Promise<unknown> | undefined;
      await expect(
        db.transaction().execute(async (trx) => {
          await run(trx, insertNote(trx, 2, 'rolled back'));
          rider = alongside(db, insertNote(db, 1, 'audit').query);
          await expect(alongside(trx, insertNote(trx, 5, 'inside').query)).rejects.toThrow(/not a transaction/);
          writes.length = 0;
          await run(trx, insertNote(trx, 3, 'rolled back too'));
          expect(writes[0]).toEqual([expect.stringMatching(/^INSERT INTO pipelining_notes/)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await rider;
      expect(await notes(db)).toEqual([1]);
    });
  });

  it('rides behind the COMMIT or ROLLBACK that ends a transaction, running after it', async () => {
    await withObservedDb(async ({ db, writes }) => {
      await freshNotes(db);
      let rider: Promise<unknown> | undefined;
      await db.transaction().execute(async (trx) => {
        await run(trx, insertNote(trx, 2, 'committed'));
        rider = alongside(db, insertNote(db, 1, 'audit').query);
    });
    await rider;
    expect(writes.at(-1)).toEqual(['commit', expect.stringMatching(/^INSERT INTO pipelining_notes/)]);

    await expect(
      db.transaction().execute(async (trx) => {
        await run(trx, insertNote(trx, 3, 'rolled back'));
        rider = alongside(db, insertNote(db, 4, 'audit of the failure').query);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await rider;
    expect(writes.at(-1)).toEqual(['rollback', expect.stringMatching(/^INSERT INTO pipelining_notes/)]);
    expect(await notes(db)).toEqual([1, 2, 4]);
    });
  });

  it('fails on its own: the statement it rode with still answers', async () => {
    await withObservedDb(async ({ db }) => {
      await freshNotes(db);
      await run(db, insertNote(db, 1, 'first'));
      const rider = alongside(db, insertNote(db, 1, 'duplicate').query);
      expect(await run(db, value(db, 3))).toBe(3);
      await expect(rider).rejects.toMatchObject({ code: '23505' });
    });
  });

  it('is sent before the connections close when the database handle is destroyed', async () => {
    const { db } = observedDb();
    await freshNotes(db);
    const rider = alongside(db, insertNote(db, 1, 'last words').query);
    await db.destroy();
    await expect(rider).resolves.toMatchObject({ numAffectedRows: 1n });
    await withObservedDb(async ({ db: after }) => expect(await notes(after)).toEqual([1]));
  });
});
