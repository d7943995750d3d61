/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- the debtor acts on its own case through signed links (confirming an agreement)
    ALTER TABLE case_activity
      DROP CONSTRAINT case_activity_actor_kind_check,
      ADD CONSTRAINT case_activity_actor_kind_check CHECK (actor_kind IN ('api_key', 'admin', 'system', 'debtor'));

    -- the creditor's terms for agreements
    ALTER TABLE creditors
      ADD COLUMN agreement_grace_days integer NOT NULL DEFAULT 0 CHECK (agreement_grace_days BETWEEN 0 AND 30),
      ADD COLUMN agreement_channel text NOT NULL DEFAULT 'email' CHECK (agreement_channel IN ('email', 'letter')),
      -- the fallback is told to the debtor once this many agreements were broken before
      ADD COLUMN reveal_fallback_after_broken integer NOT NULL DEFAULT 1 CHECK (reveal_fallback_after_broken BETWEEN 0 AND 10),
      -- what the creditor's terms let it charge for an instalment plan (capped by law); null: nothing
      ADD COLUMN instalment_plan_fee_minor bigint CHECK (instalment_plan_fee_minor > 0);

    ALTER TABLE case_charges
      DROP CONSTRAINT case_charges_kind_check,
      ADD CONSTRAINT case_charges_kind_check CHECK (kind IN ('reminder_fee', 'final_demand_fee', 'instalment_plan_fee'));

    -- money received on a case; the ledger of the money issue builds on these rows
    CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      paid_on date NOT NULL,
      method text NOT NULL CHECK (method IN ('bank_transfer', 'card', 'cash', 'direct_debit', 'agency', 'other')),
      payer_reference text,
      source text NOT NULL CHECK (source IN ('api', 'agency')),
      actor_kind text NOT NULL,
      actor_id uuid,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX payments_case ON payments (case_id, created_at);

    ALTER TABLE tasks
      DROP CONSTRAINT tasks_kind_check,
      ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('call', 'meeting', 'verification', 'follow_up')),
      ADD COLUMN note text,
      ADD COLUMN agreement_id uuid,
      ADD COLUMN completed_at timestamptz,
      ADD COLUMN contact_id uuid,
      ADD COLUMN outcome text,
      ADD COLUMN next_step jsonb,
      ADD CONSTRAINT tasks_done_has_outcome CHECK (status <> 'done' OR (outcome IS NOT NULL AND next_step IS NOT NULL));
    CREATE INDEX tasks_case ON tasks (case_id, created_at);
    CREATE INDEX tasks_assignee ON tasks (creditor_id, assignee, due_date) WHERE status = 'open';

    -- every contact attempt and conversation, whoever started it
    CREATE TABLE contacts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      task_id uuid UNIQUE REFERENCES tasks(id),
      channel text NOT NULL CHECK (channel IN ('phone', 'meeting', 'email', 'letter', 'debtor_message')),
      direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
      reached text NOT NULL CHECK (reached IN ('debtor', 'representative', 'wrong_person', 'no_answer')),
      outcome text NOT NULL,
      late_reason text,
      notes text,
      next_step jsonb,
      agreement_id uuid,
      occurred_at timestamptz NOT NULL,
      actor_kind text NOT NULL,
      actor_id uuid,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX contacts_case ON contacts (case_id, occurred_at);

    -- a promise to pay or an instalment plan, with what happens if it is broken
    CREATE TABLE agreements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      debtor_id uuid NOT NULL,
      contact_id uuid REFERENCES contacts(id),
      kind text NOT NULL CHECK (kind IN ('promise', 'instalment_plan')),
      status text NOT NULL CHECK (status IN ('active', 'kept', 'broken', 'cancelled')),
      currency char(3) NOT NULL,
      total_minor bigint NOT NULL CHECK (total_minor > 0),
      plan_fee_minor bigint NOT NULL DEFAULT 0 CHECK (plan_fee_minor >= 0),
      follow_up_date date NOT NULL,
      -- the instant of the follow-up (its day at the creditor's business hour)
      follow_up_at timestamptz NOT NULL,
      fallback jsonb NOT NULL,
      fallback_revealed boolean NOT NULL,
      grace_days integer NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'letter')),
      creditor_will text,
      notes text,
      notification_id uuid REFERENCES notifications(id),
      follow_up_task_id uuid REFERENCES tasks(id),
      confirmed_at timestamptz,
      confirmation jsonb,
      made_at timestamptz NOT NULL,
      ended_at timestamptz,
      end_reason text,
      actor_kind text NOT NULL,
      actor_id uuid,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id),
      UNIQUE (creditor_id, id)
    );
    -- one agreement at a time per case: a new one replaces the old in the same transaction
    CREATE UNIQUE INDEX agreements_one_active ON agreements (case_id) WHERE status = 'active';
    CREATE INDEX agreements_debtor ON agreements (creditor_id, debtor_id, status);
    CREATE INDEX agreements_follow_up ON agreements (follow_up_at) WHERE status = 'active' AND follow_up_task_id IS NULL;

    -- each promised payment and the instant it is checked (its date plus the grace days)
    CREATE TABLE agreement_instalments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      agreement_id uuid NOT NULL,
      case_id uuid NOT NULL,
      seq integer NOT NULL,
      due_date date NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      check_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'kept', 'broken', 'cancelled')),
      checked_at timestamptz,
      FOREIGN KEY (creditor_id, agreement_id) REFERENCES agreements (creditor_id, id),
      UNIQUE (agreement_id, seq)
    );
    CREATE INDEX agreement_instalments_due ON agreement_instalments (check_at) WHERE status = 'pending';

    ALTER TABLE notifications ADD COLUMN agreement_id uuid REFERENCES agreements(id);
    ALTER TABLE contacts ADD FOREIGN KEY (agreement_id) REFERENCES agreements(id);
    ALTER TABLE tasks
      ADD FOREIGN KEY (contact_id) REFERENCES contacts(id),
      ADD FOREIGN KEY (agreement_id) REFERENCES agreements(id);

    -- where a creditor's cases go when they are handed over; none configured: the default folder
    CREATE TABLE agency_connectors (
      creditor_id uuid PRIMARY KEY REFERENCES creditors(id),
      kind text NOT NULL CHECK (kind IN ('folder', 'http')),
      agency_name text NOT NULL,
      url text,
      auth_header text,
      updated_at timestamptz NOT NULL,
      CHECK (kind <> 'http' OR url IS NOT NULL)
    );

    -- one hand-over per escalation, delivered by the notifier; the agency's reports follow it
    CREATE TABLE handovers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'returned', 'closed')),
      connector text,
      agency_reference text,
      attempts integer NOT NULL DEFAULT 0,
      failure_reason text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE UNIQUE INDEX handovers_one_open ON handovers (case_id) WHERE status IN ('pending', 'delivered');
    CREATE INDEX handovers_pending ON handovers (created_at) WHERE status = 'pending';

    CREATE TABLE agency_updates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      handover_id uuid REFERENCES handovers(id),
      kind text NOT NULL CHECK (kind IN ('received', 'payment_collected', 'closed', 'returned')),
      amount_minor bigint,
      payment_id uuid REFERENCES payments(id),
      agency_reference text,
      note text,
      reported_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX agency_updates_case ON agency_updates (case_id, reported_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE agency_updates, handovers, agency_connectors;
    ALTER TABLE notifications DROP COLUMN agreement_id;
    ALTER TABLE tasks DROP COLUMN contact_id, DROP COLUMN agreement_id;
    ALTER TABLE contacts DROP COLUMN agreement_id;
    DROP TABLE agreement_instalments, agreements, contacts;
    DROP INDEX tasks_case, tasks_assignee;
    ALTER TABLE tasks
      DROP CONSTRAINT tasks_done_has_outcome,
      DROP COLUMN note, DROP COLUMN completed_at, DROP COLUMN outcome, DROP COLUMN next_step,
      DROP CONSTRAINT tasks_kind_check,
      ADD CONSTRAINT tasks_kind_check CHECK (kind IN ('call', 'meeting'));
    DROP TABLE payments;
    ALTER TABLE case_charges
      DROP CONSTRAINT case_charges_kind_check,
      ADD CONSTRAINT case_charges_kind_check CHECK (kind IN ('reminder_fee', 'final_demand_fee'));
    ALTER TABLE case_activity
      DROP CONSTRAINT case_activity_actor_kind_check,
      ADD CONSTRAINT case_activity_actor_kind_check CHECK (actor_kind IN ('api_key', 'admin', 'system'));
    ALTER TABLE creditors
      DROP COLUMN agreement_grace_days, DROP COLUMN agreement_channel,
      DROP COLUMN reveal_fallback_after_broken, DROP COLUMN instalment_plan_fee_minor;
  `.execute(db);
}
