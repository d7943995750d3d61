import { CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import type pg from 'pg';
import { Riders, type Rider } from './riders.js';

/**
 * A Postgres dialect that can send several statements to the server in one write and read their
 * answers as they come (node-postgres's pipeline mode), instead of waiting for each answer before
 * sending the next statement.
 *
 * Why: a statement that waits for the one before costs the API a socket write, a wake-up and a
 * read of its own (about 45 us of its CPU on the development machine); Postgres pays a wake-up
 * too. A case opened was ten of these round trips, most of them statements whose values were all
 * known in advance. Three things use the pipeline:
 *
 * - `together(db, statements)` (statements.ts) sends statements that do not depend on each
 *   other's answers at once.
 * - A transaction's BEGIN is not sent on its own: it goes with the transaction's first statement.
 *   A transaction that ran no statement sends nothing at all.
 * - `alongside(db, query)` (riders.ts) takes a statement nothing waits for (the audit row written
 *   after an answer went out) and sends it behind the next statement that goes out outside a
 *   transaction, or on its own once the current turn of the event loop is over.
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

/** Statements sent together, found again by the connection that receives their stand-in. */
const batches = new WeakMap<CompiledQuery, readonly CompiledQuery[]>();

/**
 * A query that carries a batch of statements through Kysely's public API to the connection it
 * provides. Its text fails loudly on a dialect that does not know it, rather than run something else.
 */
export function standInFor(queries: readonly CompiledQuery[]): CompiledQuery {
  const standIn = CompiledQuery.raw(`DO $$ BEGIN RAISE EXCEPTION 'statements sent together need the PipeliningPostgresDialect'; END $$`);
  batches.set(standIn, queries);
  return standIn;
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
      // Riders may go behind the COMMIT or ROLLBACK: they run once the transaction is over.
      else await this.#send([CompiledQuery.raw(sql)], true);
    } finally {
      this.#inTransaction = false;
    }
  }

  /** Riders with nothing to ride on: sent alone, answered before this resolves. */
  async sendRiders(riders: Rider[]): Promise<void> {
    await Promise.allSettled(this.#write([], riders).riding);
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

  async #send(queries: readonly CompiledQuery[], endsTransaction = false): Promise<QueryResult<unknown>[]> {
    const begin = this.#begin;
    this.#begin = null;
    // Riders go behind the caller's statements, never into a transaction: their fate is their own.
    const riders = this.#inTransaction && !endsTransaction ? [] : this.riders.take();
    const { pending } = this.#write(begin ? [begin, ...queries] : queries, riders);
    const settled = await Promise.allSettled(pending);
    // The first failure is the cause; in a transaction, the ones after it only say it was aborted.
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const results = (settled as PromiseFulfilledResult<pg.QueryResult>[]).map((s) => toQueryResult(s.value));
    return begin ? results.slice(1) : results;
  }

  /** Queues the statements and the riders behind them in one write; each rider is handed its own result. */
  #write(queries: readonly CompiledQuery[], riders: readonly Rider[]): { pending: Promise<pg.QueryResult>[]; riding: Promise<unknown>[] } {
    this.observe?.(riders.length ? [...queries, ...riders.map((r) => r.query)] : queries);
    const stream = queries.length + riders.length > 1 ? this.client.connection?.stream : undefined;
    // node-postgres writes each statement as it is queued; corked, they leave in one write.
    stream?.cork?.();
    try {
      const pending = queries.map((q) => this.client.query(q.sql, q.parameters as unknown[]));
      const riding = riders.map((rider) => {
        const result = this.client.query(rider.query.sql, rider.query.parameters as unknown[]).then(toQueryResult);
        rider.settle(result);
        return result;
      });
      return { pending, riding };
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
