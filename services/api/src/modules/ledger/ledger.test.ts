import { describe, expect, it } from 'vitest';
import { admin, businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

async function setRates() {
  for (const [validFrom, rateBp] of [['2026-01-01', 175], ['2026-07-01', 150]] as const) {
    const res = await api.app.inject({ method: 'PUT', url: `/v1/admin/reference-rates/riksbank/${validFrom}`, headers: admin, payload: { rateBp, source: 'Sveriges Riksbank' } });
    expect(res.statusCode).toBe(200);
  }
}

/** A Swedish creditor charging statutory interest, with one case of 10 000,00 SEK due 30 October. */
async function interestCase(profile: Record<string, unknown> = {}) {
  api.clock.set('2026-11-24T10:00:00Z');
  await setRates();
  const creditor = await api.creditor();
  await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { lateInterest: 'statutory', ...profile } });
  const opened = (await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), invoices: [invoice({ dueDate: '2026-10-30', amount: 1_000_000 })] } })).json();
  const url = (path: string) => `/v1/cases/${opened.id}/${path}`;
  return { creditor, caseId: opened.id as string, opened, url };
}

describe('the ledger', () => {
  it('accrues statutory interest from the day after the due date and shows it on the case', async () => {
    const { creditor, opened, url } = await interestCase();
    // 31 October to 23 November: 24 days at 1.50 % + 8 = 9.50 %: 10 000 × 0.095 × 24 / 365 = 62.47 SEK.
    expect(opened).toMatchObject({ interest: { amount: 6_247 }, outstanding: { amount: 1_006_247 } });
    const ledger = (await api.app.inject({ url: url('ledger'), headers: creditor.auth })).json();
    expect(ledger.asOf).toBe('2026-11-24');
    expect(ledger.parts).toMatchObject({ principal: { amount: 1_000_000 }, interest: { amount: 6_247 }, outstanding: { amount: 1_006_247 } });
    expect(ledger.entries.map((e: { kind: string; amount: number; balance: number }) => [e.kind, e.amount, e.balance])).toEqual([
      ['principal', 1_000_000, 1_000_000],
      ['interest', 6_247, 1_006_247],
    ]);
    const rates = (await api.app.inject({ url: '/v1/reference-rates', headers: creditor.auth })).json();
    expect(rates.items.map((r: { validFrom: string; rateBp: number }) => [r.validFrom, r.rateBp])).toEqual([
      ['2026-01-01', 175],
      ['2026-07-01', 150],
    ]);
  });

  it('settles a payment against interest before principal, and stops interest on what was paid', async () => {
    const { creditor, url } = await interestCase();
    const paid = (await api.app.inject({ method: 'POST', url: url('payments'), headers: creditor.auth, payload: { amount: 506_247, currency: 'SEK', paidOn: '2026-11-24', method: 'bank_transfer' } })).json();
    expect(paid.allocation).toEqual({ costs: 0, interest: 6_247, principal: 500_000, overpaid: 0 });
    expect(paid.outstanding).toEqual({ amount: 500_000, currency: 'SEK' });
    // Ten days on, interest runs on the 5 000,00 left only: 5 000 × 0.095 × 10 / 365 = 13.01 SEK.
    api.clock.set('2026-12-04T10:00:00Z');
    const ledger = (await api.app.inject({ url: url('ledger'), headers: creditor.auth })).json();
    expect(ledger.parts).toMatchObject({ interest: { amount: 1_301 }, outstanding: { amount: 501_301 }, interestCharged: { amount: 7_548 } });
  });

  it('charges a case’s contractual rate instead, and follows a change of it', async () => {
    api.clock.set('2026-11-24T10:00:00Z');
    const creditor = await api.creditor();
    const opened = (
      await api.app.inject({ method: 'POST', url: '/v1/cases', headers: creditor.auth, payload: { debtor: businessDebtor(), contractualInterestBp: 1_200, invoices: [invoice({ dueDate: '2026-10-30', amount: 1_000_000 })] } })
    ).json();
    // 24 days at 12 %: 10 000 × 0.12 × 24 / 365 = 78.90 SEK, with no statutory interest and no reference rate needed.
    expect(opened).toMatchObject({ contractualInterestBp: 1_200, interest: { amount: 7_890 } });
    const changed = (await api.app.inject({ method: 'PATCH', url: `/v1/cases/${opened.id}`, headers: creditor.auth, payload: { contractualInterestBp: null } })).json();
    expect(changed).toMatchObject({ contractualInterestBp: null, interest: { amount: 0 }, outstanding: { amount: 1_000_000 } });
  });

  it('follows the creditor’s allocation order', async () => {
    const { creditor, url } = await interestCase({ allocationOrder: ['principal', 'interest', 'costs'] });
    const paid = (await api.app.inject({ method: 'POST', url: url('payments'), headers: creditor.auth, payload: { amount: 1_000_000, currency: 'SEK', paidOn: '2026-11-24', method: 'card' } })).json();
    expect(paid.allocation).toEqual({ costs: 0, interest: 0, principal: 1_000_000, overpaid: 0 });
    expect(paid.outstanding.amount).toBe(6_247);
    expect(paid.caseClosed).toBe(false);
    problem(await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { allocationOrder: ['principal', 'principal', 'costs'] } }), 422);
  });

  it('takes a credit note off the claim, records an overpayment and its refund, and refuses a larger refund', async () => {
    const { creditor, url } = await interestCase({ lateInterest: 'none' });
    const credited = await api.app.inject({ method: 'POST', url: url('credit-notes'), headers: creditor.auth, payload: { amount: 200_000, bookedOn: '2026-11-20', note: 'returned goods' } });
    expect(credited.statusCode).toBe(201);
    expect(credited.json().parts).toMatchObject({ principal: { amount: 800_000 }, credited: { amount: 200_000 }, outstanding: { amount: 800_000 } });
    const paid = (await api.app.inject({ method: 'POST', url: url('payments'), headers: creditor.auth, payload: { amount: 850_000, currency: 'SEK', paidOn: '2026-11-24', method: 'bank_transfer' } })).json();
    expect(paid).toMatchObject({ caseClosed: true, outstanding: { amount: -50_000 }, allocation: { overpaid: 50_000 } });
    const tooMuch = problem(await api.app.inject({ method: 'POST', url: url('refunds'), headers: creditor.auth, payload: { amount: 50_001, bookedOn: '2026-11-24' } }), 422);
    expect(tooMuch.errors?.[0]?.pointer).toBe('/amount');
    const refunded = (await api.app.inject({ method: 'POST', url: url('refunds'), headers: creditor.auth, payload: { amount: 50_000, bookedOn: '2026-11-24' } })).json();
    expect(refunded.parts).toMatchObject({ overpaid: { amount: 0 }, refunded: { amount: 50_000 }, outstanding: { amount: 0 } });
    problem(await api.app.inject({ method: 'POST', url: url('credit-notes'), headers: creditor.auth, payload: { amount: 1, bookedOn: '2026-11-25' } }), 422);
  });

  it('writes the rest off as a ledger entry when the case is written off', async () => {
    const { creditor, url } = await interestCase();
    await api.app.inject({ method: 'POST', url: url('write-off'), headers: creditor.auth, payload: { reason: 'the debtor went bankrupt' } });
    const ledger = (await api.app.inject({ url: url('ledger'), headers: creditor.auth })).json();
    expect(ledger.parts).toMatchObject({ writtenOff: { amount: 1_006_247 }, outstanding: { amount: 0 } });
    expect(ledger.entries.at(-1)).toMatchObject({ kind: 'write_off', amount: -1_006_247, balance: 0 });
  });

  it('gives a statement of account as JSON in the debtor’s language and as a PDF letter', async () => {
    const { creditor, url } = await interestCase();
    const statement = (await api.app.inject({ url: url('statement'), headers: creditor.auth })).json();
    expect(statement).toMatchObject({ creditor: 'Acme AB', debtor: 'Kund AB', asOf: '2026-11-24', ledger: { parts: { outstanding: { amount: 1_006_247 } } } });
    expect(statement.lines.map((l: string) => l.replace(/[\u00a0\u202f]/g, ' '))).toEqual([
      '- 30 oktober 2026: Faktura F-1001, 10 000,00 kr (10 000,00 kr)',
      '- 24 november 2026: Dröjsmålsränta, 62,47 kr (10 062,47 kr)',
    ]);
    const pdf = await api.app.inject({ url: url('statement'), headers: { ...creditor.auth, accept: 'application/pdf' } });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.rawPayload.length).toBeGreaterThan(1000);
  });

  it('keeps reference rates behind the admin token', async () => {
    const creditor = await api.creditor();
    problem(await api.app.inject({ method: 'PUT', url: '/v1/admin/reference-rates/riksbank/2027-01-01', headers: creditor.auth, payload: { rateBp: 100 } }), 401);
    problem(await api.app.inject({ method: 'PUT', url: '/v1/admin/reference-rates/fed/2027-01-01', headers: admin, payload: { rateBp: 100 } }), 400);
    problem(await api.app.inject({ method: 'DELETE', url: '/v1/admin/reference-rates/ecb/1999-01-01', headers: admin }), 404);
  });
});
