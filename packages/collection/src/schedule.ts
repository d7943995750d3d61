import type { Kysely } from 'kysely';
import { cases, creditors, deadlines, invoices, policies, type CaseRow, type Database, type DeadlineRow } from '@fordra/db';
import { earliestDueDate, planSchedule, PolicyStepsSchema, shiftAfterHold, type PlannedStep } from '@fordra/domain';
import { ensureDefaultPolicy } from './policy.js';

type Q = Kysely<Database>;

/**
 * Plans a case's steps when it enters collection: the current version of its policy (or the
 * creditor's default), dated from the earliest unpaid invoice's due date.
 */
export async function planCase(db: Q, row: CaseRow, now: Date, skipKeys: ReadonlySet<string> = new Set()): Promise<DeadlineRow[]> {
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  if (!creditor) throw new Error(`creditor ${row.creditor_id} is missing`);
  const policy = row.policy_id ? await policies.getPolicy(db, row.creditor_id, row.policy_id) : await ensureDefaultPolicy(db, row.creditor_id, now);
  if (!policy) throw new Error(`policy ${row.policy_id} is missing`);
  const version = await policies.getVersion(db, policy.id, policy.current_version);
  if (!version) throw new Error(`policy ${policy.id} has no version ${policy.current_version}`);
  const caseInvoices = await invoices.listInvoicesOfCases(db, row.creditor_id, [row.id]);
  const dueDate = earliestDueDate(caseInvoices.map((i) => ({ dueDate: i.due_date })));
  if (!dueDate) return [];
  const plan = planSchedule({
    steps: PolicyStepsSchema.parse(version.steps).filter((s) => !skipKeys.has(s.key)),
    dueDate,
    notBefore: now,
    country: creditor.country,
    timeZone: creditor.time_zone,
  });
  await cases.updateCase(db, row.creditor_id, row.id, { policy_id: policy.id, policy_version_id: version.id, activated_at: row.activated_at ?? now, updated_at: now });
  return deadlines.insertDeadlines(db, deadlineRows({ creditorId: row.creditor_id, caseId: row.id, versionId: version.id }, plan, now));
}

/** The deadline rows of a planned schedule, waiting to run. */
export function deadlineRows(target: { creditorId: string; caseId: string; versionId: string }, plan: readonly PlannedStep[], now: Date) {
  return plan.map((p) => ({
    creditor_id: target.creditorId,
    case_id: target.caseId,
    policy_version_id: target.versionId,
    step_index: p.index,
    step_key: p.key,
    action: p.action,
    day: p.day,
    due_at: p.dueAt,
    status: 'scheduled' as const,
    created_at: now,
  }));
}

/** Moves the waiting steps of a case coming off hold by the length of the hold. */
export async function resumeSchedule(db: Q, row: CaseRow, now: Date): Promise<DeadlineRow[]> {
  const creditor = await creditors.getCreditor(db, row.creditor_id);
  if (!creditor) throw new Error(`creditor ${row.creditor_id} is missing`);
  const heldMs = row.held_since ? Math.max(0, now.getTime() - row.held_since.getTime()) : 0;
  const waiting = await deadlines.listScheduledOfCase(db, row.id);
  const moved: DeadlineRow[] = [];
  for (const d of waiting) {
    const to = shiftAfterHold({ day: d.day, dueAt: d.due_at }, heldMs, now, creditor.country, creditor.time_zone);
    await deadlines.moveDeadline(db, d.id, to);
    moved.push({ ...d, day: to.day, due_at: to.dueAt });
  }
  return moved;
}
