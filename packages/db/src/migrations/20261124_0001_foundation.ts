/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 * It imports nothing from the application so that it means the same thing forever.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE creditors (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      country char(2) NOT NULL,
      default_currency char(3) NOT NULL,
      time_zone text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      name text NOT NULL,
      -- the public part of the key, used to find it; the secret part is only stored hashed
      lookup_prefix text NOT NULL UNIQUE,
      secret_hash bytea NOT NULL,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_creditor ON api_keys (creditor_id);

    CREATE TABLE debtors (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      kind text NOT NULL CHECK (kind IN ('business', 'consumer')),
      name text NOT NULL,
      identity_number text,
      email text,
      phone text,
      address_line1 text,
      address_line2 text,
      postal_code text,
      city text,
      country char(2),
      preferred_language text NOT NULL CHECK (preferred_language IN ('sv', 'en', 'fi')),
      customer_number text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (creditor_id, id)
    );
    CREATE UNIQUE INDEX debtors_customer_number ON debtors (creditor_id, customer_number) WHERE customer_number IS NOT NULL;
    CREATE INDEX debtors_listing ON debtors (creditor_id, created_at DESC, id DESC);

    CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      debtor_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('verification', 'active', 'on_hold', 'escalated', 'closed')),
      close_reason text CHECK (close_reason IN ('paid', 'withdrawn', 'written_off')),
      currency char(3) NOT NULL,
      handler text,
      external_reference text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      closed_at timestamptz,
      -- a case's debtor always belongs to the same creditor
      FOREIGN KEY (creditor_id, debtor_id) REFERENCES debtors (creditor_id, id),
      UNIQUE (creditor_id, id),
      CHECK ((status = 'closed') = (close_reason IS NOT NULL))
    );
    CREATE UNIQUE INDEX cases_external_reference ON cases (creditor_id, external_reference) WHERE external_reference IS NOT NULL;
    CREATE INDEX cases_listing ON cases (creditor_id, created_at DESC, id DESC);
    CREATE INDEX cases_by_status ON cases (creditor_id, status, created_at DESC, id DESC);
    CREATE INDEX cases_by_debtor ON cases (creditor_id, debtor_id, created_at DESC, id DESC);

    CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      number text NOT NULL,
      issue_date date NOT NULL,
      due_date date NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      payment_terms text,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id),
      UNIQUE (case_id, number),
      CHECK (due_date >= issue_date)
    );
    CREATE INDEX invoices_case ON invoices (case_id, due_date);
    CREATE INDEX invoices_due ON invoices (creditor_id, due_date);

    -- kept apart from invoices so that listing invoices never drags the PDFs along
    CREATE TABLE invoice_documents (
      invoice_id uuid PRIMARY KEY REFERENCES invoices(id),
      creditor_id uuid NOT NULL,
      content bytea NOT NULL,
      size_bytes integer NOT NULL,
      sha256 text NOT NULL,
      filename text,
      uploaded_at timestamptz NOT NULL
    );

    CREATE TABLE case_activity (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      type text NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('api_key', 'admin', 'system')),
      actor_id uuid,
      data jsonb NOT NULL DEFAULT '{}',
      occurred_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX case_activity_case ON case_activity (case_id, id DESC);

    -- the record is evidence: nothing rewrites history
    CREATE FUNCTION case_activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'case_activity is append-only';
    END $$;
    CREATE TRIGGER case_activity_append_only BEFORE UPDATE OR DELETE ON case_activity
      FOR EACH ROW EXECUTE FUNCTION case_activity_append_only();

    CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      case_id uuid,
      type text NOT NULL,
      data jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      published_at timestamptz
    );
    CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_creditor ON outbox (creditor_id, seq);

    CREATE TABLE idempotency_keys (
      -- 'creditor:<id>' or 'admin': keys are scoped to who sent them
      owner text NOT NULL,
      key text NOT NULL,
      request_fingerprint text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_flight', 'completed')),
      -- which claim may complete the key; a claim taken over after a crash has a new token
      claim_token uuid NOT NULL,
      response_status integer,
      response_body jsonb,
      -- a claim whose request died is taken over after this instant
      locked_until timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (owner, key)
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE idempotency_keys, outbox, case_activity, invoice_documents, invoices, cases, debtors, api_keys, creditors;
    DROP FUNCTION case_activity_append_only();
  `.execute(db);
}
