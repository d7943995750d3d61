import type { Kysely } from 'kysely';
import { activity, cases, deadlines, policies, type CaseRow, type Database, type DeadlineRow } from '@fordra/db';
import type { Actor } from '@fordra/domain';
import { planCase } from './schedule.js';

/**
 * Moves a case to another policy. A case not yet collecting simply follows the new policy when
 * verified; a running one has its waiting steps cancelled and the new policy's current version
 * planned from today, leaving out the steps (by key) it already went through.
 */
export async function movePolicy(db: Kysely<Database>, row: CaseRow, policyId: string, actor: Actor, now: Date): Promise<DeadlineRow[] | null> {
  const policy = await policies.getPolicy(db, row.creditor_id, policyId);
  if (!policy) return null;
  await cases.updateCase(db, row.creditor_id, row.id, { policy_id: policy.id, updated_at: now });
  let planned: DeadlineRow[] = [];
  if (row.policy_version_id && (row.status === 'active' || row.status === 'on_hold')) {
    const before = await deadlines.listCaseDeadlines(db, row.creditor_id, row.id);
    const doneKeys = new Set(before.filter((d) => d.status === 'done' || d.status === 'skipped').map((d) => d.step_key));
    await deadlines.cancelPending(db, row.id, 'moved to another policy', now);
    const fresh = await planCase(db, { ...row, policy_id: policy.id }, now, doneKeys);
    planned = fresh;
  }
  await activity.appendActivity(
    db,
    [{ creditorId: row.creditor_id, caseId: row.id, type: 'case.policy_changed', actor, data: { from: row.policy_id, to: policy.id, version: policy.current_version } }],
    now,
  );
  return planned;
}
