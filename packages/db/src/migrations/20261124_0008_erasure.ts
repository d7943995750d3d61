/*
 * Frozen: this migration is history. Never edit it once released; add a new one instead.
 * It imports nothing from the application so that it means the same thing forever.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- True when "blanked" is "previous" with some values replaced by JSON null (at any depth) or
    -- left out: nothing added, nothing rewritten. What an erasure may do to an activity entry.
    CREATE FUNCTION jsonb_only_blanked(previous jsonb, blanked jsonb) RETURNS boolean
      LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
      k text;
    BEGIN
      IF blanked IS NULL OR previous IS NULL THEN RETURN false; END IF;
      IF blanked = previous OR jsonb_typeof(blanked) = 'null' THEN RETURN true; END IF;
      IF jsonb_typeof(previous) = 'object' AND jsonb_typeof(blanked) = 'object' THEN
        FOR k IN SELECT jsonb_object_keys(blanked) LOOP
          IF NOT previous ? k OR NOT jsonb_only_blanked(previous -> k, blanked -> k) THEN RETURN false; END IF;
        END LOOP;
        RETURN true;
      END IF;
      IF jsonb_typeof(previous) = 'array' AND jsonb_typeof(blanked) = 'array' THEN
        IF jsonb_array_length(previous) <> jsonb_array_length(blanked) THEN RETURN false; END IF;
        FOR i IN 0 .. jsonb_array_length(blanked) - 1 LOOP
          IF NOT jsonb_only_blanked(previous -> i, blanked -> i) THEN RETURN false; END IF;
        END LOOP;
        RETURN true;
      END IF;
      RETURN false;
    END $$;

    -- The activity record stays append-only, with one exception: erasing a debtor's personal data
    -- (a legal duty once the retention period is over) may blank values inside an entry's data.
    -- The exception holds only in a transaction that said so (SET LOCAL fordra.erasing = 'on', as
    -- the erasure does and nothing else) and only for an UPDATE that changes nothing but blanking
    -- values of "data": the entry's type, case, actor and time stay, and no value can be written.
    -- The setting guards against mistakes, not against someone who can run SQL as the application.
    -- Deleting an entry is never allowed.
    CREATE OR REPLACE FUNCTION case_activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE'
        AND current_setting('fordra.erasing', true) = 'on'
        AND NEW.creditor_id = OLD.creditor_id
        AND NEW.case_id = OLD.case_id
        AND NEW.type = OLD.type
        AND NEW.actor_kind = OLD.actor_kind
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.occurred_at = OLD.occurred_at
        AND jsonb_only_blanked(OLD.data, NEW.data)
      THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'case_activity is append-only';
    END $$;

    -- The audit log by what it is about: a debtor's export lists the events about it and its cases.
    CREATE INDEX audit_events_resource ON audit_events (creditor_id, resource_type, resource_id, id DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX audit_events_resource;
    CREATE OR REPLACE FUNCTION case_activity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'case_activity is append-only';
    END $$;
    DROP FUNCTION jsonb_only_blanked(jsonb, jsonb);
  `.execute(db);
}
