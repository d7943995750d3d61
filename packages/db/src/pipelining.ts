import { CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver, type Kysely, type QueryResult, type TransactionSettings } from 'kysely';
import type pg from 'pg';
import type { Database } from './types.js';

/**
 * A Postgres dialect that can send several statements to the server in one write and read their
 * answers as they come (node-postgres's pipeline mode), instead of waiting for each answer before
 * sending the next statement.
 *
 * Why: a statement that waits for the one before costs the API a socket write, a wake-up and a
 * read of its own, about as much CPU as the rest of its handling; Postgres pays a wake-up too. A
 * case opened was ten of these round trips, most of them statements whose values were all known
 * in advance. Two things use the pipeline:
 *
 * - `together(db, statements)` sends statements that do not depend on each other's answers at once.
 * - A transaction's BEGIN is not sent on its own: it goes with the transaction's first statement.
 *   A transaction that ran no statement sends nothing at all.
 * - `alongside(db, query)` takes a statement nothing waits for (the audit row written after an
 *   answer went out) and sends it behind the next statement that goes out outside a transaction,
 *   or on its own once the current turn of the event loop is over.
 *
 * Each statement keeps its own Sync, so outside a transaction each one stands alone; inside one,
 * the first failure aborts the transaction and the statements after it fail with it.
 */
export class PipeliningPostgresDialect extends PostgresDialect {
  readonly #pool: pg.Pool;
  readonly #observe: ((queries: readonly CompiledQuery[]) => void) | undefined;

  /** `observe` sees each write's statements before they are sent (the benchmark records them). */
  constructor(pool: pg.Pool, observe?: (queries: readonly CompiledQuery[]) => void) {
    super({ pool });
    this.#pool = pool;
    this.#observe = observe;
  }

  readonly riders = new Riders();

  override createDriver(): Driver {
    return new PipeliningDriver(this.#pool, this.#observe, this.riders);
  }
}

/** A statement nothing waits for, and where its result goes. */
interface Rider {
  query: CompiledQuery;
  settle: (result: Promise<pg.QueryResult>) => void;
}

/** Statements waiting to ride along with the next write, and the fallback that sends them alone. */
class Riders {
  #waiting: Rider[] = [];
  #scheduled = false;
  #flushes = new Set<Promise<void>>();
  sendAlone: (riders: Rider[]) => Promise<void> = async () => {
    throw new Error('the driver has not started');
  };

  get any(): boolean {
    return this.#waiting.length > 0;
  }

  add(query: CompiledQuery): Promise<QueryResult<unknown>> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ query, settle: (result) => result.then((r) => resolve(toQueryResult(r)), reject) });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the callbacks of this turn, which may send statements the riders can go with.
        setImmediate(() => void this.flush());
      }
    });
  }

  take(): Rider[] {
    const taken = this.#waiting;
    this.#waiting = [];
    return taken;
  }

  /** Sends whatever still waits on a connection of its own; resolves once it is answered. */
  async flush(): Promise<void> {
    this.#scheduled = false;
    const riders = this.take();
    if (riders.length === 0) return Promise.all(this.#flushes).then(() => undefined);
    const flush = this.sendAlone(riders).catch((err: unknown) => riders.forEach((r) => r.settle(Promise.reject(err))));
    this.#flushes.add(flush);
    await flush.finally(() => this.#flushes.delete(flush));
  }
}

/** Which dialect's riders a Kysely made by createDb sends through. */
const ridersOf = new WeakMap<object, Riders>();

/** Called by createDb: `alongside` on this Kysely uses this dialect's riders. */
export function registerRiders(db: Kysely<Database>, dialect: PipeliningPostgresDialect): void {
  ridersOf.set(db, dialect.riders);
}

/**
 * Runs a statement that nothing waits for before answering, outside any transaction: behind the
 * next statement sent outside a transaction, in the same write, or on its own once the current
 * turn of the event loop is over. Resolves with its result, or rejects with its own error only.
 * On a Kysely not made by createDb it simply runs.
 */
export function alongside(db: Kysely<Database>, query: CompiledQuery): Promise<QueryResult<unknown>> {
  const riders = ridersOf.get(db);
  return riders ? riders.add(query) : db.executeQuery(query);
}

/** A statement and how to read its answer: what `together` runs. */
export interface Statement<T> {
  query: CompiledQuery;
  read: (result: QueryResult<any>) => T;
}

type AnswerOf<X> = X extends Statement<infer T> ? T : undefined;
type Answers<S extends readonly (Statement<unknown> | null)[]> = { -readonly [K in keyof S]: AnswerOf<S[K]> };

/** Runs one statement and reads its answer. */
export async function run<T>(db: Kysely<Database>, statement: Statement<T>): Promise<T> {
  return statement.read(await db.executeQuery(statement.query));
}

/** Statements handed to `together`, found again by the connection that receives their stand-in. */
const batches = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();

/**
 * Runs statements that do not depend on each other's answers on one connection, sent in one
 * write, and answers with what each one's `read` makes of its result, in the same order (a null
 * in place of a statement, one the caller did not need this time, answers undefined). Inside a
 * transaction they run in it, and the first statement to fail rejects the whole call with its
 * error; outside one, each stands alone.
 */
export async function together<const S extends readonly (Statement<unknown> | null)[]>(db: Kysely<Database>, statements: S): Promise<Answers<S>> {
  const present = statements.filter((s): s is Statement<unknown> => s !== null);
  let results: QueryResult<any>[];
  if (present.length < 2) {
    results = present.length ? [await db.executeQuery(present[0]!.query)] : [];
  } else {
    // Kysely hands a query to the connection it provides (the transaction's own, inside one); the
    // stand-in carries the batch there through Kysely's public API. Its text fails loudly on a
    // dialect that does not know it, rather than running something else.
    const standIn = CompiledQuery.raw(`DO $$ BEGIN RAISE EXCEPTION 'statements sent together need the PipeliningPostgresDialect'; END $$`);
    batches.set(
      standIn,
      present.map((s) => s.query),
    );
    results = (await db.executeQuery(standIn)).rows as QueryResult<any>[];
  }
  let next = 0;
  return statements.map((s) => (s === null ? undefined : s.read(results[next++]!))) as Answers<S>;
}

class PipeliningDriver implements Driver {
  readonly #connections = new WeakMap<pg.PoolClient, PipelinedConnection>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly observe: ((queries: readonly CompiledQuery[]) => void) | undefined,
    private readonly riders: Riders,
  ) {
    riders.sendAlone = async (waiting) => {
      const connection = (await this.acquireConnection()) as PipelinedConnection;
      try {
        await connection.sendRiders(waiting);
      } finally {
        connection.release();
      }
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PipelinedConnection(client, this.observe, this.riders);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let begin = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      begin = `start transaction${settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : ''}${settings.accessMode ? ` ${settings.accessMode}` : ''}`;
    }
    (connection as PipelinedConnection).deferBegin(begin);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).endTransaction('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PipelinedConnection).endTransaction('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PipelinedConnection).release();
  }

  async destroy(): Promise<void> {
    // Statements waiting to ride along are sent before the connections close.
    await this.riders.flush();
    await this.pool.end();
  }
}

/** The part of node-postgres's client this needs beyond its typings: the socket, to gather writes. */
type ClientWithSocket = pg.PoolClient & { connection?: { stream?: { cork?: () => void; uncork?: () => void } } };

class PipelinedConnection implements DatabaseConnection {
  #begin: CompiledQuery | null = null;
  #inTransaction = false;

  constructor(
    private readonly client: ClientWithSocket,
    private readonly observe: ((queries: readonly CompiledQuery[]) => void) | undefined,
    private readonly riders: Riders,
  ) {
    if (!client.pipeline) throw new Error('the pool behind PipeliningPostgresDialect must be made with { pipeline: true }');
  }

  deferBegin(sql: string): void {
    this.#begin = CompiledQuery.raw(sql);
    this.#inTransaction = true;
  }

  /** Commit or roll back; a transaction whose BEGIN was never sent ran nothing and ends here. */
  async endTransaction(sql: 'commit' | 'rollback'): Promise<void> {
    try {
      if (this.#begin) this.#begin = null;
      else await this.#send([CompiledQuery.raw(sql)]);
    } finally {
      this.#inTransaction = false;
    }
  }

  /** Riders with nothing to ride on: sent alone, answered before this resolves. */
  async sendRiders(riders: Rider[]): Promise<void> {
    const pending = this.#write([], riders);
    await Promise.allSettled(pending);
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const batch = batches.get(query);
    if (batch) return { rows: (await this.#send(batch)) as R[] };
    if (this.#begin || (!this.#inTransaction && this.riders.any)) return (await this.#send([query]))[0] as QueryResult<R>;
    // Most statements go alone: no batch to gather, no BEGIN to put before them, nothing riding along.
    this.observe?.([query]);
    return toQueryResult(await this.client.query(query.sql, query.parameters as unknown[])) as QueryResult<R>;
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('streaming is not supported by the PipeliningPostgresDialect');
  }

  release(): void {
    // A transaction Kysely gave up on without ending it cannot leave its BEGIN to the next user.
    this.#begin = null;
    this.#inTransaction = false;
    this.client.release();
  }

  async #send(queries: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    const begin = this.#begin;
    this.#begin = null;
    // Riders go behind the caller's statements, never into a transaction: their fate is their own.
    const riders = this.#inTransaction ? [] : this.riders.take();
    const pending = this.#write(begin ? [begin, ...queries] : queries, riders);
    const settled = await Promise.allSettled(pending);
    // The first failure is the cause; in a transaction, the ones after it only say it was aborted.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const results = (settled as PromiseFulfilledResult<pg.QueryResult>[]).map((s) => toQueryResult(s.value));
    return begin ? results.slice(1) : results;
  }

  /** Queues the statements and the riders behind them in one write; answers the statements' results, the riders getting theirs. */
  #write(queries: readonly CompiledQuery[], riders: readonly Rider[]): Promise<pg.QueryResult>[] {
    this.observe?.(riders.length ? [...queries, ...riders.map((r) => r.query)] : queries);
    const stream = queries.length + riders.length > 1 ? this.client.connection?.stream : undefined;
    // node-postgres writes each statement as it is queued; corked, they leave in one write.
    stream?.cork?.();
    try {
      const pending = queries.map((q) => this.client.query(q.sql, q.parameters as unknown[]));
      for (const rider of riders) rider.settle(this.client.query(rider.query.sql, rider.query.parameters as unknown[]));
      return pending;
    } finally {
      stream?.uncork?.();
    }
  }
}

function toQueryResult(result: pg.QueryResult): QueryResult<unknown> {
  const { command, rowCount, rows } = result;
  const changes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
  return { rows: rows ?? [], ...(changes ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
}
