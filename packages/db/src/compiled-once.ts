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

/** What may stand in a placeholder's place: a value bound as a parameter, not an expression (or its factory) or a skipped column. */
const isBoundValue = (v: unknown) => v !== undefined && typeof v !== 'function' && !(typeof v === 'object' && v !== null && 'toOperationNode' in v);

/**
 * Like compiledOnce, for a multi-row insert: compiled once per shape (the number of rows and their
 * columns), for up to `maxRows` rows that all name the same columns with plain values. Anything
 * else (more rows, rows that differ, an expression or an undefined value in a column) is built and
 * compiled the ordinary way, so the cache only ever changes speed, never the statement.
 */
export function compiledRows<Row extends Record<string, unknown>, R>(build: (db: Kysely<Database>, rows: Row[]) => { compile(): CompiledQuery<R> }, maxRows = 10) {
  const shapes = new Map<string, { query: CompiledQuery<R>; slots: (readonly [number, string])[] }>();
  return (db: Kysely<Database>, rows: Row[]): CompiledQuery<R> => {
    const columns = Object.keys(rows[0] ?? {});
    const uniform =
      rows.length > 0 &&
      rows.length <= maxRows &&
      rows.every((row) => {
        const names = Object.keys(row);
        return names.length === columns.length && names.every((name, i) => name === columns[i] && isBoundValue(row[name]));
      });
    if (!uniform) return build(db, rows).compile();
    const shape = `${rows.length}:${columns.join(',')}`;
    let compiled = shapes.get(shape);
    if (!compiled) {
      const placeholders = rows.map((_, i) => Object.fromEntries(columns.map((c) => [c, `${MARK}${i}:${c}`]))) as Row[];
      const query = build(db, placeholders).compile();
      const slots = query.parameters.map((p) => {
        if (typeof p !== 'string' || !p.startsWith(MARK)) throw new Error(`compiledRows: a bound value is not a row's value: ${String(p)}`);
        const [index, column] = p.slice(MARK.length).split(/:(.*)/s) as [string, string];
        return [Number(index), column] as const;
      });
      compiled = { query, slots };
      // Bounded: the shapes in use are few (one to a handful of rows, fixed columns per caller).
      if (shapes.size < 100) shapes.set(shape, compiled);
    }
    return { ...compiled.query, parameters: compiled.slots.map(([index, column]) => rows[index]![column]) };
  };
}
