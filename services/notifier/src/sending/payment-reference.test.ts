import { describe, expect, it } from 'vitest';
import { runDueStep } from '@fordra/collection';
import { deadlines } from '@fordra/db';
import { isValidReference, ManualClock } from '@fordra/domain';
import { openTestCase, useTestDatabase, verifyTestCase } from '@fordra/testkit';
import { extractText } from '../test/pdf-text.js';
import { TEST_LINKS } from '../test/running-notifier.js';
import { renderNotification } from './render.js';

const database = useTestDatabase();
const db = () => database.db;
const clock = new ManualClock('2026-10-29T12:00:00Z');

/**
 * Opens and verifies a case, runs its step `index` (0: the friendly reminder email, 1: the
 * reminder letter) and renders the notification it queued, as the notifier does before sending.
 */
async function renderedStep(index: number, options: { country?: string; language?: 'sv' | 'en' | 'fi'; reference?: string } = {}) {
  clock.set('2026-10-29T12:00:00Z');
  const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30', country: options.country, debtor: { preferredLanguage: options.language } });
  if (options.reference) await db().updateTable('cases').set({ payment_reference: options.reference }).where('id', '=', caseId).execute();
  const { payment_reference } = await db().selectFrom('cases').select('payment_reference').where('id', '=', caseId).executeTakeFirstOrThrow();
  const planned = await verifyTestCase(db(), creditor.id, caseId, clock.now());
  for (const d of planned.slice(0, index)) await deadlines.finishDeadline(db(), d.id, 'done', {}, clock.now());
  clock.set(planned[index]!.due_at);
  const run = await runDueStep(db(), clock, planned[index]!.id);
  const queued = await db().selectFrom('notifications').selectAll().where('id', '=', run.notificationIds[0]!).executeTakeFirstOrThrow();
  await renderNotification(db(), clock, queued, TEST_LINKS);
  const rendered = await db().selectFrom('notifications').selectAll().where('id', '=', queued.id).executeTakeFirstOrThrow();
  return { reference: payment_reference!, rendered };
}

describe('the payment reference on reminders and letters', () => {
  it("prints a Swedish case's OCR reference in the reminder email", async () => {
    const { reference, rendered } = await renderedStep(0);
    expect(isValidReference('se_ocr', reference)).toBe(true);
    expect(rendered.channel).toBe('email');
    expect(rendered.body_text).toContain(`Referens: ${reference}`);
    expect(rendered.body_html).toContain(`Referens: ${reference}`);
  });

  it("prints a Finnish case's reference number in the reminder email", async () => {
    const { reference, rendered } = await renderedStep(0, { country: 'FI', language: 'fi' });
    expect(isValidReference('fi_reference', reference)).toBe(true);
    expect(rendered.body_text).toContain(`Viite: ${reference}`);
  });

  it('prints a reference formatted for print: a Finnish reference in fives, RF in fours', async () => {
    const finnish = await renderedStep(0, { country: 'FI', language: 'fi', reference: '1234561' });
    expect(finnish.rendered.body_text).toContain('Viite: 12 34561');
    const rf = await renderedStep(0, { language: 'en', reference: 'RF18539007547034' });
    expect(rf.rendered.body_text).toContain('Reference: RF18 5390 0754 7034');
  });

  it("prints it in the letter's payment box", async () => {
    const { reference, rendered } = await renderedStep(1);
    expect(rendered.channel).toBe('letter');
    const pages = await extractText(rendered.pdf!);
    expect(pages[0]).toMatch(new RegExp(`Referens\\s+${reference}`));
  });
});
