import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';
import { TEMPLATE_KINDS } from '@fordra/templates';

const api = useApi();

describe('message templates', () => {
  it('lists every kind in every language, Fordra’s own until the creditor writes its own', async () => {
    const creditor = await api.creditor();
    const list = (await api.app.inject({ method: 'GET', url: '/v1/templates', headers: creditor.auth })).json();
    expect(list.items).toHaveLength(TEMPLATE_KINDS.length * 3);
    expect(list.items.every((t: { custom: boolean }) => !t.custom)).toBe(true);
  });

  it('stores an override, previews it for a case, refuses one that does not parse, and goes back to the default', async () => {
    const creditor = await api.creditor();
    const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ number: 'F-77' })] } })).json();
    const own = {
      subject: 'Påminnelse {{ invoices[0].number }}',
      text: 'Hej {{ debtor.name }}! Vi saknar {{ outstandingMinor | money: currency }}.',
      html: '<p>Hej {{ debtor.name }}</p>',
    };
    const saved = await api.app.inject({ method: 'PUT', url: '/v1/templates/friendly_reminder/sv', headers: creditor.auth, payload: own });
    expect(saved.json()).toMatchObject({ custom: true, subject: own.subject });
    const preview = await api.app.inject({ method: 'POST', url: '/v1/templates/friendly_reminder/sv/preview', headers: creditor.auth, payload: { caseId: opened.id } });
    expect(preview.json().subject).toBe('Påminnelse F-77');
    expect(preview.json().text).toMatch(/^Hej Kund AB! Vi saknar 1\s250,00\skr\.$/);

    const broken = await api.app.inject({ method: 'PUT', url: '/v1/templates/friendly_reminder/sv', headers: creditor.auth, payload: { ...own, text: 'Hej {{ debtor.name' } });
    expect(problem(broken, 422).errors?.[0]?.pointer).toBe('/text');

    const reset = await api.app.inject({ method: 'DELETE', url: '/v1/templates/friendly_reminder/sv', headers: creditor.auth });
    expect(reset.json().custom).toBe(false);
    const defaultPreview = (await api.app.inject({ method: 'POST', url: '/v1/templates/friendly_reminder/sv/preview', headers: creditor.auth, payload: { caseId: opened.id } })).json();
    expect(defaultPreview.text).toContain('F-77');
  });
});
