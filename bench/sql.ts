/**
 * Turns the SQL the API really issued for one request into a pgbench script. Capturing instead of
 * writing the statements by hand keeps the ceiling honest while the API's queries change.
 */
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from '@fordra/db';

export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/** A Kysely like the API's, except that what it runs inside `record` is kept. */
export function recordingDb(connectionString: string) {
  const captured: CapturedQuery[] = [];
  let recording = false;
  const pool = new pg.Pool({ connectionString, max: 4, application_name: 'fordra-bench-setup' });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      if (recording && event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  return {
    db,
    /** The queries run while `fn` ran; nothing else may use the database meanwhile. */
    async record(fn: () => Promise<void>): Promise<CapturedQuery[]> {
      captured.length = 0;
      recording = true;
      try {
        await fn();
      } finally {
        recording = false;
      }
      return captured.splice(0);
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ScriptSpec {
  /** Values that name an existing row, mapped to the pgbench variable that carries them. */
  known: ReadonlyMap<string, string>;
  /** Ids the request itself created, mapped to `<table>_id`: taken from the INSERT ... RETURNING that made them. */
  created: ReadonlyMap<string, string>;
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

function tableOf(insert: string): string | undefined {
  return /^insert into "([a-z_]+)"/i.exec(insert)?.[1];
}

/**
 * Every parameter stays a parameter (a pgbench variable becomes `$n` under `-M prepared`), except
 * NULL, which pgbench cannot pass, and an id the application mints per request (the outbox
 * event id), which must be fresh each time and becomes `gen_random_uuid()`.
 */
export function toPgbenchScript(queries: readonly CapturedQuery[], spec: ScriptSpec): PgbenchScript {
  const constants = new Map<string, string>();
  const lines: string[] = [];
  for (const q of queries) {
    const expr = q.parameters.map((v) => {
      if (v === null || v === undefined) return 'NULL';
      if (v instanceof Date) return `:${constantName(constants, v.toISOString())}`;
      if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `:${constantName(constants, String(v))}`;
      if (typeof v !== 'string') throw new Error(`cannot carry a ${typeof v} parameter into pgbench: ${q.sql}`);
      const named = spec.known.get(v) ?? spec.created.get(v);
      if (named) return `:${named}`;
      if (UUID.test(v)) {
        // An id nobody knew before must be one the request minted for a new row; anything else is a lookup we cannot replay.
        if (/^insert\b/i.test(q.sql)) return 'gen_random_uuid()';
        throw new Error(`unmapped id ${v} in ${q.sql}`);
      }
      return `:${constantName(constants, v)}`;
    });
    const sql = q.sql.replace(/\$(\d+)/g, (_, n: string) => {
      const e = expr[Number(n) - 1];
      if (e === undefined) throw new Error(`no parameter $${n} in ${q.sql}`);
      return e;
    });
    lines.push(`${sql};`);
    const table = tableOf(q.sql);
    // The row's columns become <table>_<column> variables, so later statements can name the new id.
    // \gset takes exactly one row, which holds for the case and its one invoice; activity entries
    // come several to an insert and nothing later names their ids.
    if (table && table !== 'case_activity' && /\breturning\b/i.test(q.sql)) lines.push(`\\gset ${table}_`);
  }
  return { text: `${lines.join('\n')}\n`, constants };
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
