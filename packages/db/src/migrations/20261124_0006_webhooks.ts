/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The feed's order. The relay numbers the rows it publishes while holding the one counter row,
    -- so numbers become visible in order: a reader never passes a number that commits later.
    ALTER TABLE outbox ADD COLUMN position bigint UNIQUE;
    CREATE INDEX outbox_feed ON outbox (creditor_id, position) WHERE position IS NOT NULL;
    CREATE TABLE outbox_position (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      last bigint NOT NULL
    );
    INSERT INTO outbox_position (only_row, last) VALUES (true, 0);

    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      url text NOT NULL,
      description text,
      -- empty: every event type
      event_types text[] NOT NULL DEFAULT '{}',
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      disabled_at timestamptz,
      -- the first failure since the last success: an endpoint failing for days is disabled
      failing_since timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      -- deleted by the creditor: kept (disabled) for its deliveries' and attempts' history, never shown again
      deleted_at timestamptz,
      UNIQUE (creditor_id, id)
    );

    -- signing secrets; during a rotation the old one signs too until it expires
    CREATE TABLE webhook_secrets (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
      secret text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz
    );
    CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (endpoint_id);

    -- one delivery per event and endpoint; a replay sends the same one again
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id),
      outbox_id uuid NOT NULL REFERENCES outbox(id),
      position bigint NOT NULL,
      case_id uuid,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL,
      -- a sender working on it holds it until then (a crashed sender's lease runs out)
      leased_until timestamptz,
      last_status integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL,
      UNIQUE (endpoint_id, outbox_id)
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    -- events of one case reach an endpoint in order: a later one waits for the earlier ones
    CREATE INDEX webhook_deliveries_case_order ON webhook_deliveries (endpoint_id, case_id, position) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, position);

    CREATE TABLE webhook_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
      endpoint_id uuid NOT NULL,
      creditor_id uuid NOT NULL,
      attempted_at timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
      status_code integer,
      error text,
      duration_ms integer NOT NULL
    );
    CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE webhook_attempts, webhook_deliveries, webhook_secrets, webhook_endpoints, outbox_position;
    DROP INDEX outbox_feed;
    ALTER TABLE outbox DROP COLUMN position;
  `.execute(db);
}
