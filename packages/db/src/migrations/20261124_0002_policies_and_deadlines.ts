/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- when true, new cases skip the manual invoice check and start collecting at once
    ALTER TABLE creditors ADD COLUMN auto_verify boolean NOT NULL DEFAULT false;

    CREATE TABLE collection_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      name text NOT NULL,
      is_default boolean NOT NULL DEFAULT false,
      current_version integer NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (creditor_id, id),
      UNIQUE (creditor_id, name)
    );
    CREATE UNIQUE INDEX collection_policies_one_default ON collection_policies (creditor_id) WHERE is_default;

    -- versions are immutable: a running case keeps the steps it started with
    CREATE TABLE policy_versions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      policy_id uuid NOT NULL,
      version integer NOT NULL,
      steps jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, policy_id) REFERENCES collection_policies (creditor_id, id),
      UNIQUE (policy_id, version)
    );

    ALTER TABLE cases
      ADD COLUMN policy_id uuid,
      ADD COLUMN policy_version_id uuid REFERENCES policy_versions(id),
      ADD COLUMN reminder_fee_agreed boolean NOT NULL DEFAULT false,
      ADD COLUMN held_since timestamptz,
      ADD COLUMN hold_reason text,
      ADD COLUMN activated_at timestamptz;

    -- each policy step of each case: the deadline Postgres owns and the worker keeps
    CREATE TABLE case_deadlines (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      policy_version_id uuid NOT NULL REFERENCES policy_versions(id),
      step_index integer NOT NULL,
      step_key text NOT NULL,
      action text NOT NULL,
      day date,
      due_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('scheduled', 'done', 'skipped', 'cancelled')),
      outcome jsonb,
      completed_at timestamptz,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id),
      -- one run per case and step: a retry or a second worker finds the step taken
      UNIQUE (case_id, policy_version_id, step_key)
    );
    CREATE INDEX case_deadlines_due ON case_deadlines (due_at) WHERE status = 'scheduled';
    CREATE INDEX case_deadlines_case ON case_deadlines (case_id, step_index);

    -- what a step hands to the notifier; the idempotency key makes the hand-over happen once
    CREATE TABLE notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      deadline_id uuid REFERENCES case_deadlines(id),
      idempotency_key text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('email', 'letter')),
      template text NOT NULL,
      language text NOT NULL,
      recipient jsonb NOT NULL,
      attach_invoice boolean NOT NULL DEFAULT false,
      status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX notifications_case ON notifications (case_id, created_at);

    CREATE TABLE tasks (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      deadline_id uuid UNIQUE REFERENCES case_deadlines(id),
      kind text NOT NULL CHECK (kind IN ('call', 'meeting')),
      assignee text,
      due_date date NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX tasks_open ON tasks (creditor_id, status, due_date);

    -- amounts added to a case besides its invoices (fees now; the ledger grows from here)
    CREATE TABLE case_charges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      deadline_id uuid UNIQUE REFERENCES case_deadlines(id),
      kind text NOT NULL CHECK (kind IN ('reminder_fee', 'final_demand_fee')),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX case_charges_case ON case_charges (case_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE case_charges, tasks, notifications, case_deadlines;
    ALTER TABLE cases DROP COLUMN policy_id, DROP COLUMN policy_version_id, DROP COLUMN reminder_fee_agreed,
      DROP COLUMN held_since, DROP COLUMN hold_reason, DROP COLUMN activated_at;
    DROP TABLE policy_versions, collection_policies;
    ALTER TABLE creditors DROP COLUMN auto_verify;
  `.execute(db);
}
