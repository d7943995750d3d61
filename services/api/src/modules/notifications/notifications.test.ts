import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

describe('notifications of a case', () => {
  it('lists what a step handed to the notifier and shows one with its attempts', async () => {
    const creditor = await api.creditor();
    api.clock.set('2026-10-29T12:00:00Z');
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ dueDate: '2026-10-30' })] } })).json();
    // The worker's step creates the row; here it is written as the step writes it.
    const [row] = await api.database.db
      .insertInto('notifications')
      .values({
        creditor_id: creditor.id,
        case_id: opened.id,
        deadline_id: null,
        idempotency_key: `test-${opened.id}`,
        channel: 'letter',
        template: 'reminder_letter',
        language: 'sv',
        recipient: JSON.stringify({ name: 'Kund AB', line1: 'Storgatan 1' }),
        status: 'sent',
        subject: 'Påminnelse',
        body_text: 'Text',
        body_html: '<p>Text</p>',
        pdf: Buffer.from('%PDF-1.4\n%%EOF\n'),
        pages: 1,
        rendered_at: api.clock.now(),
        created_at: api.clock.now(),
        updated_at: api.clock.now(),
      })
      .returning('id')
      .execute();
    await api.database.db.insertInto('notification_attempts').values({ notification_id: row!.id, creditor_id: creditor.id, attempted_at: api.clock.now(), outcome: 'sent', detail: 'dropped' }).execute();

    const list = (await api.app.inject({ method: 'GET', url: `/v1/cases/${opened.id}/notifications`, headers: creditor.auth })).json();
    expect(list.items).toEqual([expect.objectContaining({ id: row!.id, channel: 'letter', status: 'sent' })]);
    const one = (await api.app.inject({ method: 'GET', url: `/v1/notifications/${row!.id}`, headers: creditor.auth })).json();
    expect(one).toMatchObject({ subject: 'Påminnelse', pdfUrl: `/v1/notifications/${row!.id}/pdf`, attemptLog: [{ outcome: 'sent', detail: 'dropped' }] });
    const pdf = await api.app.inject({ method: 'GET', url: `/v1/notifications/${row!.id}/pdf`, headers: creditor.auth });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const other = await api.creditor('Other AB');
    problem(await api.app.inject({ method: 'GET', url: `/v1/notifications/${row!.id}`, headers: other.auth }), 404);
  });
});
