import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './types.js';

/**
 * Statements nothing waits for before answering (the audit row written after an answer went
 * out), sent behind another statement rather than on a round trip of their own: a pool checkout,
 * a socket write and a wake-up were about a fifth of the API's CPU for a read. The connections of
 * the PipeliningPostgresDialect take them (see pipelining.ts).
 */

/** A statement nothing waits for, and where its result goes. */
export interface Rider {
  query: CompiledQuery;
  settle: (result: Promise<QueryResult<unknown>>) => void;
}

/** Statements waiting to ride along with the next write, and the fallback that sends them alone. */
export class Riders {
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
      this.#waiting.push({ query, settle: (result) => result.then(resolve, reject) });
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

/** Called by createDb: `alongside` on this Kysely uses its dialect's riders. */
export function registerRiders(db: Kysely<Database>, riders: Riders): void {
  ridersOf.set(db, riders);
}

/**
 * Runs a statement that nothing waits for before answering, outside any transaction: behind the
 * next statement sent outside a transaction, in the same write, or on its own once the current
 * turn of the event loop is over. Resolves with its result, or rejects with its own error only.
 * On a Kysely not made by createDb it simply runs.
 */
export function alongside(db: Kysely<Database>, query: CompiledQuery): Promise<QueryResult<unknown>> {
  // Handed a transaction, it would otherwise run inside it, sharing its fate.
  if (db.isTransaction) return Promise.reject(new Error('alongside takes the database handle, not a transaction'));
  const riders = ridersOf.get(db);
  return riders ? riders.add(query) : db.executeQuery(query);
}
