/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- how the creditor appears on emails and letters, and where debtors pay
    ALTER TABLE creditors
      ADD COLUMN sender_name text,
      ADD COLUMN reply_to text,
      ADD COLUMN contact_email text,
      ADD COLUMN contact_phone text,
      ADD COLUMN website text,
      ADD COLUMN address_lines jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN organisation_number text,
      ADD COLUMN bankgiro text,
      ADD COLUMN iban text,
      ADD COLUMN bic text;

    ALTER TABLE notifications
      DROP CONSTRAINT notifications_status_check,
      ADD CONSTRAINT notifications_status_check CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
      -- what to try when this channel fails for good (an undeliverable email becomes a letter)
      ADD COLUMN fallback_channel text CHECK (fallback_channel IN ('email', 'letter')),
      ADD COLUMN fallback_of uuid REFERENCES notifications(id),
      -- rendered once and kept, so every retry sends exactly the same message
      ADD COLUMN subject text,
      ADD COLUMN body_text text,
      ADD COLUMN body_html text,
      ADD COLUMN pdf bytea,
      ADD COLUMN pages integer,
      ADD COLUMN rendered_at timestamptz,
      ADD COLUMN attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN provider text,
      ADD COLUMN provider_message_id text,
      ADD COLUMN sent_at timestamptz,
      ADD COLUMN failure_reason text;
    CREATE INDEX notifications_queued ON notifications (created_at) WHERE status = 'queued';

    -- every try at sending, with the provider's answer: the record of each collection attempt
    CREATE TABLE notification_attempts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      notification_id uuid NOT NULL REFERENCES notifications(id),
      creditor_id uuid NOT NULL,
      attempted_at timestamptz NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('sent', 'temporary_failure', 'permanent_failure')),
      detail text
    );
    CREATE INDEX notification_attempts_notification ON notification_attempts (notification_id, id);

    -- a creditor's own wording for a kind of message in a language
    CREATE TABLE creditor_templates (
      creditor_id uuid NOT NULL REFERENCES creditors(id),
      kind text NOT NULL,
      language text NOT NULL CHECK (language IN ('sv', 'en', 'fi')),
      subject text NOT NULL,
      body_text text NOT NULL,
      body_html text NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (creditor_id, kind, language)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE creditor_templates, notification_attempts;
    DROP INDEX notifications_queued;
    ALTER TABLE notifications
      DROP COLUMN fallback_channel, DROP COLUMN fallback_of, DROP COLUMN subject, DROP COLUMN body_text,
      DROP COLUMN body_html, DROP COLUMN pdf, DROP COLUMN pages, DROP COLUMN rendered_at, DROP COLUMN attempts,
      DROP COLUMN provider, DROP COLUMN provider_message_id, DROP COLUMN sent_at, DROP COLUMN failure_reason,
      DROP CONSTRAINT notifications_status_check,
      ADD CONSTRAINT notifications_status_check CHECK (status IN ('queued', 'sent', 'failed'));
    ALTER TABLE creditors
      DROP COLUMN sender_name, DROP COLUMN reply_to, DROP COLUMN contact_email, DROP COLUMN contact_phone,
      DROP COLUMN website, DROP COLUMN address_lines, DROP COLUMN organisation_number, DROP COLUMN bankgiro,
      DROP COLUMN iban, DROP COLUMN bic;
  `.execute(db);
}
