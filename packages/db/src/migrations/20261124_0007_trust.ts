/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- what a key may do ('*': everything, as keys issued before scopes existed) and until when
    ALTER TABLE api_keys
      ADD COLUMN scopes text[] NOT NULL DEFAULT '{*}',
      ADD COLUMN expires_at timestamptz;

    -- who did what with which key, and who read personal data: queryable by the creditor
    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creditor_id uuid NOT NULL,
      actor_kind text NOT NULL,
      api_key_id uuid,
      request_id text,
      action text NOT NULL,
      method text NOT NULL,
      route text NOT NULL,
      resource_type text,
      resource_id text,
      status integer NOT NULL,
      occurred_at timestamptz NOT NULL
    );
    CREATE INDEX audit_events_creditor ON audit_events (creditor_id, id DESC);

    -- personal data of debtors whose cases are all closed is erased after this many days
    ALTER TABLE creditors ADD COLUMN personal_data_retention_days integer NOT NULL DEFAULT 730
      CHECK (personal_data_retention_days BETWEEN 0 AND 3650);
    ALTER TABLE debtors ADD COLUMN erased_at timestamptz;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE debtors DROP COLUMN erased_at;
    ALTER TABLE creditors DROP COLUMN personal_data_retention_days;
    DROP TABLE audit_events;
    ALTER TABLE api_keys DROP COLUMN scopes, DROP COLUMN expires_at;
  `.execute(db);
}
