import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAgreementToken, runInstalmentCheck } from '@fordra/collection';
import { agreeOnTestCase, openTestCase, pollUntil, verifyTestCase } from '@fordra/testkit';
import { extractText } from '../test/pdf-text.js';
import { TEST_LINKS, useRunningNotifier } from '../test/running-notifier.js';

const notifier = useRunningNotifier({ start: '2026-10-29T12:00:00Z' });
const { database, clock, smtp } = notifier;
const db = () => database.db;

const mailFor = (notificationId: string) =>
  pollUntil(async () => smtp.received.find((m) => m.messageId === `<notification-${notificationId}@acme.example>`), { what: `the email of ${notificationId}`, timeoutMs: 20_000 });

describe('agreement messages', () => {
  it('confirms a promise in writing with the four answers and a link to confirm it; the morning it is broken, offers an instalment plan', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    await verifyTestCase(db(), creditor.id, caseId, clock.now());
    clock.set('2026-11-03T10:00:00Z');
    const made = await agreeOnTestCase(
      db(),
      creditor.id,
      caseId,
      { kind: 'promise', instalments: [{ dueDate: '2026-11-10', amountMinor: 125_000 }], followUpDate: '2026-11-11', fallback: { action: 'offer_instalment_plan' } },
      clock.now(),
    );
    const followUp = await mailFor(made.notificationId!);
    const text = followUp.text!.replace(/\s+/g, ' ');
    expect(followUp.subject).toMatch(/^Bekräftelse av vår överenskommelse/);
    // What the debtor will do and by when, what the creditor will do, when it follows up, what happens if not kept.
    expect(text).toContain('Du betalar 1 250,00 kr senast 10 november 2026.');
    expect(text).toContain('Vi skickar inga fler påminnelser så länge överenskommelsen hålls');
    expect(text).toContain('Vi hör av oss igen den 11 november 2026');
    expect(text).toContain('Om överenskommelsen inte hålls: kontaktar vi dig dagen efter det överenskomna datumet');
    const link = /https:\/\/fordra\.example\/v1\/public\/agreements\/(\S+)/.exec(followUp.text!);
    expect(link).not.toBeNull();
    const reading = readAgreementToken(TEST_LINKS.secret, decodeURIComponent(link![1]!), clock.now());
    expect(reading).toMatchObject({ ok: true, agreementId: made.agreement.id });
    expect(followUp.html).toContain(`href="${link![0]}"`);

    clock.set('2026-11-11T08:00:00Z');
    const instalment = made.instalments[0]!;
    const run = await runInstalmentCheck(db(), clock, instalment.id);
    expect(run.notificationIds).toHaveLength(1);
    const offer = await mailFor(run.notificationIds[0]!);
    expect(offer.subject).toMatch(/^Vi har inte fått den överenskomna betalningen/);
    expect(offer.text!.replace(/\s+/g, ' ')).toContain('Vi kom överens om att du skulle betala 1 250,00 kr senast den 10 november 2026');
    expect(offer.text).toContain('avbetalningsplan');
    // The mail server has it before the notifier commits: wait for the row.
    const sent = await pollUntil(
      async () => {
        const row = await db().selectFrom('notifications').select(['status', 'sent_at']).where('id', '=', run.notificationIds[0]!).executeTakeFirstOrThrow();
        return row.status === 'queued' ? undefined : row;
      },
      { what: 'the offer to be recorded as sent' },
    );
    expect(sent).toEqual({ status: 'sent', sent_at: new Date('2026-11-11T08:00:00Z') });
  });

  it('tells the fallback in the follow-up once the debtor has broken an agreement before', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30', debtor: { preferredLanguage: 'en' } });
    await verifyTestCase(db(), creditor.id, caseId, clock.now());
    clock.set('2026-11-03T10:00:00Z');
    const promise = { kind: 'promise' as const, instalments: [{ dueDate: '2026-11-10', amountMinor: 125_000 }], followUpDate: '2026-11-11', fallback: { action: 'hand_over' as const } };
    const first = await agreeOnTestCase(db(), creditor.id, caseId, { ...promise, fallback: { action: 'offer_instalment_plan' } }, clock.now());
    clock.set('2026-11-11T08:00:00Z');
    await runInstalmentCheck(db(), clock, first.instalments[0]!.id);
    const second = await agreeOnTestCase(
      db(),
      creditor.id,
      caseId,
      { kind: 'instalment_plan', instalments: [{ dueDate: '2026-11-20', amountMinor: 60_000 }, { dueDate: '2026-12-21', amountMinor: 65_000 }], followUpDate: '2026-11-21', fallback: { action: 'hand_over' } },
      clock.now(),
    );
    const mail = await mailFor(second.notificationId!);
    const text = mail.text!.replace(/\s+/g, ' ');
    expect(text).toContain('If the agreement is not kept: we will hand the case over to a collection agency.');
    expect(text).toContain('You will pay SEK 1,250.00 in 2 instalments as listed below.');
    expect(text).toContain('20 November 2026');
    expect(text).toContain('21 December 2026');
  });

  it('confirms the agreement by letter where the creditor prefers letters', async () => {
    clock.set('2026-10-29T12:00:00Z');
    const { creditor, caseId } = await openTestCase(db(), { now: clock.now(), dueDate: '2026-10-30' });
    await db().updateTable('creditors').set({ agreement_channel: 'letter' }).where('id', '=', creditor.id).execute();
    await verifyTestCase(db(), creditor.id, caseId, clock.now());
    clock.set('2026-11-03T10:00:00Z');
    const made = await agreeOnTestCase(
      db(),
      creditor.id,
      caseId,
      { kind: 'promise', instalments: [{ dueDate: '2026-11-10', amountMinor: 125_000 }], followUpDate: '2026-11-11', fallback: { action: 'final_demand' } },
      clock.now(),
    );
    const letter = await pollUntil(
      async () => {
        const row = await db().selectFrom('notifications').selectAll().where('id', '=', made.notificationId!).executeTakeFirstOrThrow();
        return row.status === 'sent' ? row : undefined;
      },
      { what: 'the follow-up letter', timeoutMs: 20_000 },
    );
    expect(letter.channel).toBe('letter');
    const pages = await extractText(await readFile(join(notifier.letterDir, `${letter.idempotency_key}.pdf`)));
    const text = pages.join(' ').replace(/\s+/g, ' ');
    expect(text).toContain('Bekräftelse av vår överenskommelse');
    expect(text).toContain('Du betalar 1 250,00 kr senast 10 november 2026.');
    expect(text).toContain('Vi hör av oss igen den 11 november 2026');
  });
});
