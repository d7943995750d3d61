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
  agreement_grace_days: Generated<number>;
  agreement_channel: Generated<'email' | 'letter'>;
  reveal_fallback_after_broken: Generated<number>;
  instalment_plan_fee_minor: Int8 | null;
  payment_reference_kind: 'se_ocr' | 'fi_reference' | 'rf' | null;
  personal_data_retention_days: Generated<number>;
  late_interest: Generated<'none' | 'statutory'>;
  allocation_order: ColumnType<string[], string | undefined, string>;
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
  scopes: ColumnType<string[], string[] | undefined, string[]>;
  expires_at: Instant | null;
}

export interface AuditEventsTable {
  id: Identity;
  creditor_id: string;
  actor_kind: string;
  api_key_id: string | null;
  request_id: string | null;
  action: string;
  method: string;
  route: string;
  resource_type: string | null;
  resource_id: string | null;
  status: number;
  occurred_at: Instant;
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
  erased_at: Instant | null;
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
  payment_reference: string | null;
  contractual_interest_bp: number | null;
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
  actor_kind: 'api_key' | 'admin' | 'system' | 'debtor';
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
  position: Int8 | null;
}

export interface OutboxPositionTable {
  only_row: boolean;
  last: Int8;
}

export interface WebhookEndpointsTable {
  id: Generated<string>;
  creditor_id: string;
  url: string;
  description: string | null;
  event_types: ColumnType<string[], string[] | undefined, string[]>;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  disabled_at: Instant | null;
  failing_since: Instant | null;
  created_at: Instant;
  updated_at: Instant;
  /** Deleted by the creditor: also disabled, and never listed or delivered to again. */
  deleted_at: Instant | null;
}

export interface WebhookSecretsTable {
  id: Generated<string>;
  endpoint_id: string;
  secret: string;
  created_at: Instant;
  expires_at: Instant | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  creditor_id: string;
  endpoint_id: string;
  outbox_id: string;
  position: Int8;
  case_id: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: Generated<number>;
  next_attempt_at: Instant;
  leased_until: Instant | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Instant | null;
  created_at: Instant;
}

export interface WebhookAttemptsTable {
  id: Identity;
  delivery_id: string;
  endpoint_id: string;
  creditor_id: string;
  attempted_at: Instant;
  outcome: 'delivered' | 'failed';
  status_code: number | null;
  error: string | null;
  duration_ms: number;
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
  agreement_id: string | null;
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
  kind: TaskKind;
  assignee: string | null;
  due_date: DateDay;
  status: 'open' | 'done' | 'cancelled';
  created_at: Instant;
  note: string | null;
  agreement_id: string | null;
  completed_at: Instant | null;
  contact_id: string | null;
  outcome: string | null;
  next_step: Json | null;
}

export type TaskKind = 'call' | 'meeting' | 'verification' | 'follow_up';

export interface PaymentsTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  amount_minor: Int8;
  currency: string;
  paid_on: DateDay;
  method: 'bank_transfer' | 'card' | 'cash' | 'direct_debit' | 'agency' | 'other';
  payer_reference: string | null;
  source: 'api' | 'agency' | 'bank_file';
  actor_kind: string;
  actor_id: string | null;
  created_at: Instant;
  bank_entry_ref: string | null;
  payment_file_id: string | null;
}

export interface ReferenceRatesTable {
  basis: 'riksbank' | 'ecb';
  valid_from: DateDay;
  rate_bp: number;
  source: string | null;
  created_at: Instant;
}

export interface CaseAdjustmentsTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  invoice_id: string | null;
  kind: 'credit_note' | 'write_off' | 'refund';
  amount_minor: Int8;
  currency: string;
  booked_on: DateDay;
  note: string | null;
  actor_kind: string;
  actor_id: string | null;
  created_at: Instant;
}

export interface PaymentFilesTable {
  id: Generated<string>;
  creditor_id: string;
  sha256: string;
  format: string;
  message_id: string | null;
  entries: number;
  matched: number;
  unmatched: number;
  duplicates: number;
  imported_at: Instant;
}

export interface UnmatchedPaymentsTable {
  id: Generated<string>;
  creditor_id: string;
  payment_file_id: string;
  bank_entry_ref: string;
  amount_minor: Int8;
  currency: string;
  booked_on: DateDay;
  reference: string | null;
  payer_name: string | null;
  reason: string;
  status: 'open' | 'matched';
  case_id: string | null;
  payment_id: string | null;
  created_at: Instant;
  matched_at: Instant | null;
}

export interface ContactsTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  task_id: string | null;
  channel: 'phone' | 'meeting' | 'email' | 'letter' | 'debtor_message';
  direction: 'outbound' | 'inbound';
  reached: 'debtor' | 'representative' | 'wrong_person' | 'no_answer';
  outcome: string;
  late_reason: string | null;
  notes: string | null;
  next_step: Json | null;
  agreement_id: string | null;
  occurred_at: Instant;
  actor_kind: string;
  actor_id: string | null;
  created_at: Instant;
}

export interface AgreementsTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  debtor_id: string;
  contact_id: string | null;
  kind: 'promise' | 'instalment_plan';
  status: 'active' | 'kept' | 'broken' | 'cancelled';
  currency: string;
  total_minor: Int8;
  plan_fee_minor: ColumnType<bigint, bigint | number | string | undefined, bigint | number | string>;
  follow_up_date: DateDay;
  follow_up_at: Instant;
  fallback: Json;
  fallback_revealed: boolean;
  grace_days: number;
  channel: 'email' | 'letter';
  creditor_will: string | null;
  notes: string | null;
  notification_id: string | null;
  follow_up_task_id: string | null;
  confirmed_at: Instant | null;
  confirmation: Json | null;
  made_at: Instant;
  ended_at: Instant | null;
  end_reason: string | null;
  actor_kind: string;
  actor_id: string | null;
}

export interface AgreementInstalmentsTable {
  id: Generated<string>;
  creditor_id: string;
  agreement_id: string;
  case_id: string;
  seq: number;
  due_date: DateDay;
  amount_minor: Int8;
  check_at: Instant;
  status: 'pending' | 'kept' | 'broken' | 'cancelled';
  checked_at: Instant | null;
}

export interface AgencyConnectorsTable {
  creditor_id: string;
  kind: 'folder' | 'http';
  agency_name: string;
  url: string | null;
  auth_header: string | null;
  updated_at: Instant;
}

export interface HandoversTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  status: 'pending' | 'delivered' | 'failed' | 'returned' | 'closed';
  connector: string | null;
  agency_reference: string | null;
  attempts: Generated<number>;
  failure_reason: string | null;
  delivered_at: Instant | null;
  created_at: Instant;
  updated_at: Instant;
}

export interface AgencyUpdatesTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  handover_id: string | null;
  kind: 'received' | 'payment_collected' | 'closed' | 'returned';
  amount_minor: Int8 | null;
  payment_id: string | null;
  agency_reference: string | null;
  note: string | null;
  reported_at: Instant;
}

export interface CaseChargesTable {
  id: Generated<string>;
  creditor_id: string;
  case_id: string;
  deadline_id: string | null;
  kind: 'reminder_fee' | 'final_demand_fee' | 'instalment_plan_fee' | 'late_compensation' | 'collection_fee';
  invoice_id: string | null;
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
  payments: PaymentsTable;
  audit_events: AuditEventsTable;
  outbox_position: OutboxPositionTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_secrets: WebhookSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  reference_rates: ReferenceRatesTable;
  case_adjustments: CaseAdjustmentsTable;
  payment_files: PaymentFilesTable;
  unmatched_payments: UnmatchedPaymentsTable;
  contacts: ContactsTable;
  agreements: AgreementsTable;
  agreement_instalments: AgreementInstalmentsTable;
  agency_connectors: AgencyConnectorsTable;
  handovers: HandoversTable;
  agency_updates: AgencyUpdatesTable;
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
export type TaskRow = Selectable<TasksTable>;
export type PaymentRow = Selectable<PaymentsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type AgreementRow = Selectable<AgreementsTable>;
export type InstalmentRow = Selectable<AgreementInstalmentsTable>;
export type HandoverRow = Selectable<HandoversTable>;
export type AgencyConnectorRow = Selectable<AgencyConnectorsTable>;
export type AgencyUpdateRow = Selectable<AgencyUpdatesTable>;
export type ReferenceRateRow = Selectable<ReferenceRatesTable>;
export type AdjustmentRow = Selectable<CaseAdjustmentsTable>;
export type PaymentFileRow = Selectable<PaymentFilesTable>;
export type UnmatchedPaymentRow = Selectable<UnmatchedPaymentsTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
