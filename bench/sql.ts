/**
 * Turns the SQL the API really issued for one request into a pgbench script. Capturing instead of
 * writing the statements by hand keeps the ceiling honest while the API's queries change.
 */
import type { CompiledQuery } from 'kysely';
import { createDb } from '@fordra/db';

export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
  /** Which write to Postgres carried it: statements the API sends together share one. */
  write: number;
}

/** A Kysely like the API's (the same dialect, pipelining included), except that what it sends inside `record` is kept. */
export function recordingDb(connectionString: string) {
  const captured: CapturedQuery[] = [];
  let recording = false;
  let writes = 0;
  let lastWrite = Date.now();
  const observe = (queries: readonly CompiledQuery[]) => {
    writes++;
    lastWrite = Date.now();
    if (recording) for (const q of queries) captured.push({ sql: q.sql, parameters: q.parameters, write: writes });
  };
  // A request's audit row is written after its answer went out: a recording waits until the
  // database has been quiet for a moment before it starts and before it ends, so that it holds
  // its own request's audit row and not the one before's.
  const quiet = async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() - lastWrite < QUIET_MS) {
      if (Date.now() > deadline) throw new Error('the database never fell quiet');
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS / 4));
    }
  };
  const db = createDb({ connectionString, maxConnections: 4, applicationName: 'fordra-bench-setup', observe });
  return {
    db,
    /** The queries run while `fn` ran and just after; nothing else may use the database meanwhile. */
    async record(fn: () => Promise<void>): Promise<CapturedQuery[]> {
      await quiet();
      captured.length = 0;
      recording = true;
      try {
        await fn();
        await quiet();
      } finally {
        recording = false;
      }
      return captured.splice(0);
    },
  };
}

/** How long without a statement counts as quiet, in milliseconds. */
const QUIET_MS = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScriptSpec {
  /** Values that name an existing row, mapped to the pgbench variable that carries them. */
  known: ReadonlyMap<string, string>;
  /**
   * Statements the API sent in one write go between `\startpipeline` and `\endpipeline`, so that
   * pgbench too sends them without waiting for each answer. Off, pgbench sends one statement at
   * a time, as a client without pipelining would.
   */
  pipelines?: boolean;
}

export interface PgbenchScript {
  /** The script text, one command per line. */
  text: string;
  /** Constant parameter values, to pass as `-D name=value`. */
  constants: Map<string, string>;
}

function constantName(constants: Map<string, string>, value: string): string {
  for (const [name, v] of constants) if (v === value) return name;
  const name = `p${constants.size + 1}`;
  constants.set(name, value);
  return name;
}

/**
 * Every parameter stays a parameter (a pgbench variable becomes `$n` under `-M prepared`), except
 * NULL, which pgbench cannot pass, and the ids the application mints for the rows a request
 * writes (the case, its invoices, its events): each must be fresh per transaction and the same
 * in every statement that names it, so each becomes a random number pgbench draws per
 * transaction, turned into a uuid by md5 where the statement names it.
 */
export function toPgbenchScript(queries: readonly CapturedQuery[], spec: ScriptSpec): PgbenchScript {
  const constants = new Map<string, string>();
  const minted = new Map<string, string>();
  const lines: string[] = [];
  queries.forEach((q, i) => {
    const expr = q.parameters.map((v) => {
      if (v === null || v === undefined) return 'NULL';
      if (v instanceof Date) return `:${constantName(constants, v.toISOString())}`;
      if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `:${constantName(constants, String(v))}`;
      if (typeof v !== 'string') throw new Error(`cannot carry a ${typeof v} parameter into pgbench: ${q.sql}`);
      const named = spec.known.get(v);
      if (named) return `:${named}`;
      if (UUID.test(v)) {
        // An id nobody knew before must be one the request minted for a new row; anything else is a lookup we cannot replay.
        let variable = minted.get(v);
        if (!variable && /^insert\b/i.test(q.sql)) minted.set(v, (variable = `minted_${minted.size + 1}`));
        if (!variable) throw new Error(`unmapped id ${v} in ${q.sql}`);
        return `md5(:${variable}::text)::uuid`;
      }
      return `:${constantName(constants, v)}`;
    });
    const sql = q.sql.replace(/\$(\d+)/g, (_, n: string) => {
      const e = expr[Number(n) - 1];
      if (e === undefined) throw new Error(`no parameter $${n} in ${q.sql}`);
      return e;
    });
    const together = (j: number) => queries[j]?.write === q.write;
    if (spec.pipelines && !together(i - 1) && together(i + 1)) lines.push('\\startpipeline');
    lines.push(`${sql};`);
    if (spec.pipelines && together(i - 1) && !together(i + 1)) lines.push('\\endpipeline');
  });
  const draws = [...minted.values()].map((variable) => `\\set ${variable} random(1, 9223372036854775806)`);
  return { text: `${[...draws, ...lines].join('\n')}\n`, constants };
}

/** The same script with one variable renamed, so that several copies can each read their own `-D` value. */
export function renameVariable(script: string, from: string, to: string): string {
  return script.replace(new RegExp(`:${from}\\b`, 'g'), `:${to}`);
}

/** "INSERT cases", "SELECT invoices": enough to recognise each statement in a listing. */
export function describeStatement(sql: string): string {
  const s = sql.trim();
  const verb = s.split(/\s+/)[0]?.toUpperCase() ?? '';
  const table = /(?:into|from|update)\s+"([a-z_]+)"/i.exec(s)?.[1];
  return table ? `${verb} ${table}` : verb;
}
