import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './types.js';

const MARK = '\u0000fordra-parameter:';

/** Stands for a value given at each run; typed as whatever the builder expects there. */
export type Parameter<K extends string> = <T = string>(name: K) => T;

/**
 * A query of fixed shape, built and compiled by Kysely once per process; each run puts its values
 * where the builder placed the named parameters. Why: building and compiling the operation tree
 * of a large query (the case read, with nine sub-selects) cost the API more CPU than Postgres
 * spent running it, and the SQL text never changes. The same text object each time also lets the
 * named-statement cache find it without hashing it again.
 *
 * Every value the query binds must be a parameter (a constant written as a literal, `sql.lit`,
 * stays in the text); a shape that depends on the values (an `in` list, a varying number of rows)
 * does not belong here.
 */
export function compiledOnce<const K extends string, R>(names: readonly K[], build: (db: Kysely<Database>, parameter: Parameter<K>) => { compile(): CompiledQuery<R> }) {
  let compiled: { query: CompiledQuery<R>; slots: K[] } | undefined;
  const parameter = ((name: K) => `${MARK}${name}`) as Parameter<K>;
  return (db: Kysely<Database>, values: Record<K, unknown>): CompiledQuery<R> => {
    if (!compiled) {
      const query = build(db, parameter).compile();
      const slots = query.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith(MARK)) throw new Error(`compiledOnce: a bound value is not a parameter: ${String(p)}`);
        return p.slice(MARK.length) as K;
      });
      const unused = names.filter((n) => !slots.includes(n));
      if (unused.length) throw new Error(`compiledOnce: parameters never placed: ${unused.join(', ')}`);
      compiled = { query, slots };
    }
    const { query, slots } = compiled;
    return { ...query, parameters: slots.map((name) => values[name]) };
  };
}
