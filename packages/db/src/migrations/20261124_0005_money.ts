/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE creditors
      -- the kind of payment reference the creditor's cases carry; null: the usual one of its country
      ADD COLUMN payment_reference_kind text CHECK (payment_reference_kind IN ('se_ocr', 'fi_reference', 'rf')),
      -- late-payment interest is the creditor's choice: none, or the statutory rate of its country
      ADD COLUMN late_interest text NOT NULL DEFAULT 'none' CHECK (late_interest IN ('none', 'statutory')),
      -- the order payments settle a case's parts in
      ADD COLUMN allocation_order jsonb NOT NULL DEFAULT '["costs", "interest", "principal"]';

    -- every case's payment reference comes from one sequence, so no two cases share one
    CREATE SEQUENCE payment_reference_seq START 1000;
    ALTER TABLE cases
      ADD COLUMN payment_reference text,
      -- a contractual rate replaces the statutory one for the case (basis points a year)
      ADD COLUMN contractual_interest_bp integer CHECK (contractual_interest_bp BETWEEN 0 AND 10000);
    CREATE UNIQUE INDEX cases_payment_reference ON cases (creditor_id, payment_reference) WHERE payment_reference IS NOT NULL;

    -- the central banks' reference rates, a row per period start (Riksbank and ECB: half-years)
    CREATE TABLE reference_rates (
      basis text NOT NULL CHECK (basis IN ('riksbank', 'ecb')),
      valid_from date NOT NULL,
      rate_bp integer NOT NULL CHECK (rate_bp BETWEEN -1000 AND 5000),
      source text,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (basis, valid_from)
    );

    ALTER TABLE case_charges
      DROP CONSTRAINT case_charges_kind_check,
      ADD CONSTRAINT case_charges_kind_check CHECK (kind IN ('reminder_fee', 'final_demand_fee', 'instalment_plan_fee', 'late_compensation', 'collection_fee')),
      ADD COLUMN invoice_id uuid REFERENCES invoices(id);
    -- the business debtor's late-payment compensation is owed once per invoice
    CREATE UNIQUE INDEX case_charges_compensation_once ON case_charges (invoice_id) WHERE kind = 'late_compensation';

    -- amounts that reduce a claim without money arriving: credit notes and write-offs; and refunds
    CREATE TABLE case_adjustments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL,
      case_id uuid NOT NULL,
      invoice_id uuid REFERENCES invoices(id),
      kind text NOT NULL CHECK (kind IN ('credit_note', 'write_off', 'refund')),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      booked_on date NOT NULL,
      note text,
      actor_kind text NOT NULL,
      actor_id uuid,
      created_at timestamptz NOT NULL,
      FOREIGN KEY (creditor_id, case_id) REFERENCES cases (creditor_id, id)
    );
    CREATE INDEX case_adjustments_case ON case_adjustments (case_id, created_at);

    -- bank files: imported once; each credit once, whichever file brings it
    CREATE TABLE payment_files (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      sha256 text NOT NULL,
      format text NOT NULL,
      message_id text,
      entries integer NOT NULL,
      matched integer NOT NULL,
      unmatched integer NOT NULL,
      duplicates integer NOT NULL,
      imported_at timestamptz NOT NULL,
      UNIQUE (creditor_id, sha256)
    );

    ALTER TABLE payments
      DROP CONSTRAINT payments_source_check,
      ADD CONSTRAINT payments_source_check CHECK (source IN ('api', 'agency', 'bank_file')),
      ADD COLUMN bank_entry_ref text,
      ADD COLUMN payment_file_id uuid REFERENCES payment_files(id);
    CREATE UNIQUE INDEX payments_bank_entry ON payments (creditor_id, bank_entry_ref) WHERE bank_entry_ref IS NOT NULL;

    CREATE TABLE unmatched_payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      payment_file_id uuid NOT NULL REFERENCES payment_files(id),
      bank_entry_ref text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      currency char(3) NOT NULL,
      booked_on date NOT NULL,
      reference text,
      payer_name text,
      reason text NOT NULL,
      status text NOT NULL CHECK (status IN ('open', 'matched')),
      case_id uuid,
      payment_id uuid REFERENCES payments(id),
      created_at timestamptz NOT NULL,
      matched_at timestamptz,
      UNIQUE (creditor_id, bank_entry_ref)
    );
    CREATE INDEX unmatched_payments_open ON unmatched_payments (creditor_id, created_at) WHERE status = 'open';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE unmatched_payments;
    DROP INDEX payments_bank_entry;
    ALTER TABLE payments DROP COLUMN bank_entry_ref, DROP COLUMN payment_file_id,
      DROP CONSTRAINT payments_source_check,
      ADD CONSTRAINT payments_source_check CHECK (source IN ('api', 'agency'));
    DROP TABLE payment_files, case_adjustments;
    DROP INDEX case_charges_compensation_once;
    ALTER TABLE case_charges DROP COLUMN invoice_id,
      DROP CONSTRAINT case_charges_kind_check,
      ADD CONSTRAINT case_charges_kind_check CHECK (kind IN ('reminder_fee', 'final_demand_fee', 'instalment_plan_fee'));
    DROP TABLE reference_rates;
    DROP INDEX cases_payment_reference;
    ALTER TABLE cases DROP COLUMN payment_reference, DROP COLUMN contractual_interest_bp;
    DROP SEQUENCE payment_reference_seq;
    ALTER TABLE creditors DROP COLUMN payment_reference_kind, DROP COLUMN late_interest, DROP COLUMN allocation_order;
  `.execute(db);
}
