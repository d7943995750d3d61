import pg from 'pg';

/** A transaction that holds some rows locked until it is released: how tests catch a process mid-step. */
export interface RowLock {
  /** The application names of the backends of this database now waiting on a lock, matching a LIKE pattern. */
  waiters(applicationNameLike: string): Promise<string[]>;
  /** Commits and closes; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Runs `lockQuery` (a `SELECT ... FOR UPDATE`) in a transaction left open. The waiters are read on a
 * second connection outside that transaction: Postgres keeps one snapshot of pg_stat_activity per
 * transaction, so asking inside the lock's own transaction would keep seeing the moment it started.
 */
export async function holdRowLock(url: string, lockQuery: string, values: unknown[]): Promise<RowLock> {
  const holder = new pg.Client({ connectionString: url, application_name: 'fordra-test-lock' });
  const observer = new pg.Client({ connectionString: url, application_name: 'fordra-test-observer' });
  // A test's database is dropped after the test: connections it ends must not crash the run.
  holder.on('error', () => undefined);
  observer.on('error', () => undefined);
  await Promise.all([holder.connect(), observer.connect()]);
  await holder.query('BEGIN');
  await holder.query(lockQuery, values);
  let released = false;
  return {
    async waiters(applicationNameLike) {
      const { rows } = await observer.query<{ application_name: string }>(
        `SELECT application_name FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name LIKE $1`,
        [applicationNameLike],
      );
      return rows.map((r) => r.application_name);
    },
    async release() {
      if (released) return;
      released = true;
      await holder.query('COMMIT').catch(() => undefined);
      await Promise.all([holder.end(), observer.end()]);
    },
  };
}
