import { describe, expect, it } from 'vitest';
import { businessDebtor, invoice, problem, SAMPLE_PDF, useApi } from '../../test/harness.js';

const api = useApi({ MAX_DOCUMENT_BYTES: String(64 * 1024) });

async function caseWithInvoice() {
  const creditor = await api.creditor();
  const created = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();
  const url = `/v1/cases/${created.id}/invoices/${created.invoices[0].id}/document`;
  return { creditor, created, url };
}

describe('invoice documents', () => {
  it('stores the PDF, shows it on the case and gives back the same bytes', async () => {
    const { creditor, created, url } = await caseWithInvoice();
    const put = await api.app.inject({ method: 'PUT', url, headers: { ...creditor.auth, 'content-type': 'application/pdf' }, payload: SAMPLE_PDF });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ sizeBytes: SAMPLE_PDF.length, replaced: false });

    const got = await api.app.inject({ method: 'GET', url, headers: creditor.auth });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.rawPayload.equals(SAMPLE_PDF)).toBe(true);

    const read = (await api.app.inject({ method: 'GET', url: `/v1/cases/${created.id}`, headers: creditor.auth })).json();
    expect(read.invoices[0].document).toEqual({ sizeBytes: SAMPLE_PDF.length, uploadedAt: api.clock.now().toISOString() });
    expect(read.recentActivity[0]).toMatchObject({ type: 'invoice.document_uploaded', data: { replaced: false } });

    const again = await api.app.inject({ method: 'PUT', url, headers: { ...creditor.auth, 'content-type': 'application/pdf' }, payload: SAMPLE_PDF });
    expect(again.json().replaced).toBe(true);
  });

  it('refuses what is not a PDF, the wrong content type and documents over the limit', async () => {
    const { creditor, url } = await caseWithInvoice();
    const html = await api.app.inject({ method: 'PUT', url, headers: { ...creditor.auth, 'content-type': 'application/pdf' }, payload: Buffer.from('<html></html>') });
    expect(problem(html, 422).detail).toMatch(/not a PDF/);
    problem(await api.app.inject({ method: 'PUT', url, headers: { ...creditor.auth, 'content-type': 'image/png' }, payload: Buffer.from('x') }), 415);
    const big = Buffer.concat([SAMPLE_PDF, Buffer.alloc(70 * 1024)]);
    problem(await api.app.inject({ method: 'PUT', url, headers: { ...creditor.auth, 'content-type': 'application/pdf' }, payload: big }), 413);
    problem(await api.app.inject({ method: 'GET', url, headers: creditor.auth }), 404);
  });

  it('answers 404 for an invoice that is not on the case', async () => {
    const a = await caseWithInvoice();
    const b = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: a.creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice()] } })).json();
    // Invoice of case A addressed through case B.
    const url = `/v1/cases/${b.id}/invoices/${a.created.invoices[0].id}/document`;
    problem(await api.app.inject({ method: 'PUT', url, headers: { ...a.creditor.auth, 'content-type': 'application/pdf' }, payload: SAMPLE_PDF }), 404);
  });
});
