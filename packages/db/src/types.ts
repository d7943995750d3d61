/**
 * The database as Kysely sees it. Kept by hand beside the migrations: a column added in a
 * migration is added here in the same commit.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** bigint columns come back as strings from pg unless parsed; we parse them to bigint. */
type Int8 = ColumnType<bigint, bigint | number | string, bigint | number | string>;
/** date columns are parsed to 'YYYY-MM-DD' strings, never to Date, because a due date is a day. */
type DateDay = ColumnType<string, string, string>;
type Instant = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string, string>;
/** Identity columns: the database assigns them, nobody writes them. */
type Identity = ColumnType<bigint, never, never>;

export interface CreditorsTable {
  id: Generated<string>;
  name: string;
  country: string;
  default_currency: string;
  time_zone: string;
  auto_verify: Generated<boolean>;
  sender_name: string | null;
  reply_to: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  website: string | null;
  address_lines: ColumnType<string[], string | undefined, string>;
  organisation_number: string | null;
  bankgiro: string | null;
  iban: string | null;
  bic: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface ApiKeysTable {
  id: Generated<string>;
  creditor_id: string;
  name: string;
  lookup_prefix: string;
  secret_hash: Buffer;
  created_at: Instant;
  last_used_at: Instant | null;
  revoked_at: Instant | null;
}

export interface DebtorsTable {
  id: Generated<string>;
  creditor_id: string;
  kind: 'business' | 'consumer';
  name: string;
  identity_number: string | null;
  email: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postal_code: string | null;
  city: string | null;
  country: string | null;
  preferred_language: 'sv' | 'en' | 'fi';
  customer_number: string | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface CasesTable {
  id: Generated<string>;
  creditor_id: string;
  debtor_id: string;
  status: 'verification' | 'active' | 'on_hold' | 'escalated' | 'closed';
  close_reason: 'paid' | 'withdrawn' | 'written_off' | null;
  currency: string;
  handler: string | null;
  external_reference: string | null;
  created_at: Instant;
  updated_at: Instant;
  closed_at: Instant | null;
  policy_id: string | null;
  policy_version_id: string | null;
  reminder_fee_agreed: Generated<boolean>;
  held_since: Instant | null;
  hold_reason: string | null;
  activated_at: Instant | null;
}

export interface InvoicesTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  number: string;
  issue_date: DateDay;
  due_date: DateDay;
  amount_minor: Int8;
  currency: string;
  payment_terms: string | null;
  created_at: Instant;
}

export interface InvoiceDocumentsTable {
  invoice_id: string;
  creditor_id: string;
  content: Buffer;
  size_bytes: number;
  sha256: string;
  filename: string | null;
  uploaded_at: Instant;
}

export interface CaseActivityTable {
  id: Identity;
  creditor_id: string;
  case_id: string;
  type: string;
  actor_kind: 'api_key' | 'admin' | 'system';
  actor_id: string | null;
  data: Json;
  occurred_at: Instant;
}

export interface OutboxTable {
  id: string;
  seq: Identity;
  creditor_id: string;
  case_id: string | null;
  type: string;
  data: Json;
  occurred_at: Instant;
  published_at: Instant | null;
}

export interface IdempotencyKeysTable {
  owner: string;
  key: string;
  request_fingerprint: string;
  state: 'in_flight' | 'completed';
  claim_token: string;
  response_status: number | null;
  response_body: Json | null;
  locked_until: Instant;
  created_at: Instant;
  expires_at: Instant;
}

export interface CollectionPoliciesTable {
  id: Generated<string>;
  creditor_id: string;
  name: string;
  is_default: boolean;
  current_version: number;
  created_at: Instant;
  updated_at: Instant;
}

export interface PolicyVersionsTable {
  id: Generated<string>;
  creditor_id: string;
  policy_id: string;
  version: number;
  steps: Json;
  created_at: Instant;
}

export type DeadlineStatus = 'scheduled' | 'done' | 'skipped' | 'cancelled';

export interface CaseDeadlinesTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  policy_version_id: string;
  step_index: number;
  step_key: string;
  action: string;
  day: DateDay | null;
  due_at: Instant;
  status: DeadlineStatus;
  outcome: Json | null;
  completed_at: Instant | null;
  created_at: Instant;
}

export interface NotificationsTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  deadline_id: string | null;
  idempotency_key: string;
  channel: 'email' | 'letter';
  template: string;
  language: string;
  recipient: Json;
  attach_invoice: Generated<boolean>;
  status: 'queued' | 'sent' | 'failed' | 'cancelled';
  created_at: Instant;
  updated_at: Instant;
  fallback_channel: 'email' | 'letter' | null;
  fallback_of: string | null;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  pdf: Buffer | null;
  pages: number | null;
  rendered_at: Instant | null;
  attempts: Generated<number>;
  provider: string | null;
  provider_message_id: string | null;
  sent_at: Instant | null;
  failure_reason: string | null;
}

export interface NotificationAttemptsTable {
  id: Identity;
  notification_id: string;
  creditor_id: string;
  attempted_at: Instant;
  outcome: 'sent' | 'temporary_failure' | 'permanent_failure';
  detail: string | null;
}

export interface CreditorTemplatesTable {
  creditor_id: string;
  kind: string;
  language: 'sv' | 'en' | 'fi';
  subject: string;
  body_text: string;
  body_html: string;
  updated_at: Instant;
}

export interface TasksTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  deadline_id: string | null;
  kind: 'call' | 'meeting';
  assignee: string | null;
  due_date: DateDay;
  status: 'open' | 'done' | 'cancelled';
  created_at: Instant;
}

export interface CaseChargesTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  deadline_id: string | null;
  kind: 'reminder_fee' | 'final_demand_fee';
  amount_minor: Int8;
  currency: string;
  created_at: Instant;
}

export interface Database {
  notification_attempts: NotificationAttemptsTable;
  creditor_templates: CreditorTemplatesTable;
  collection_policies: CollectionPoliciesTable;
  policy_versions: PolicyVersionsTable;
  case_deadlines: CaseDeadlinesTable;
  notifications: NotificationsTable;
  tasks: TasksTable;
  case_charges: CaseChargesTable;
  creditors: CreditorsTable;
  api_keys: ApiKeysTable;
  debtors: DebtorsTable;
  cases: CasesTable;
  invoices: InvoicesTable;
  invoice_documents: InvoiceDocumentsTable;
  case_activity: CaseActivityTable;
  outbox: OutboxTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type CreditorRow = Selectable<CreditorsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type DebtorRow = Selectable<DebtorsTable>;
export type NewDebtor = Insertable<DebtorsTable>;
export type DebtorUpdate = Updateable<DebtorsTable>;
export type CaseRow = Selectable<CasesTable>;
export type InvoiceRow = Selectable<InvoicesTable>;
export type ActivityRow = Selectable<CaseActivityTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type PolicyRow = Selectable<CollectionPoliciesTable>;
export type PolicyVersionRow = Selectable<PolicyVersionsTable>;
export type DeadlineRow = Selectable<CaseDeadlinesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
