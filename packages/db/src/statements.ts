import type { CompiledQuery, Kysely, QueryResult } from 'kysely';
import { standInFor } from './pipelining.js';
import type { Database } from './types.js';

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
    // Kysely hands a query to the connection it provides: the transaction's own, inside one.
    results = (await db.executeQuery(standInFor(present.map((s) => s.query)))).rows as QueryResult<any>[];
  }
  let next = 0;
  return statements.map((s) => (s === null ? undefined : s.read(results[next++]!))) as Answers<S>;
}
