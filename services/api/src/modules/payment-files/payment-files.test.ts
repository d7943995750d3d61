import { beforeAll, describe, expect, it } from 'vitest';
import { isValidReference, makeSwedishOcr, PAYMENT_REFERENCE_KINDS } from '@fordra/domain';
import { businessDebtor, invoice, problem, useApi } from '../../test/harness.js';

const api = useApi();

interface Credit {
  bankRef: string;
  amountMinor: number;
  currency?: string;
  reference?: string;
  ustrd?: string;
  payer?: string;
}

/** The reference with its last digit changed so that it is no valid reference of any kind: a typo. */
function typo(reference: string): string {
  for (let d = 0; d < 10; d++) {
    const changed = `${reference.slice(0, -1)}${d}`;
    if (PAYMENT_REFERENCE_KINDS.every((kind) => !isValidReference(kind, changed))) return changed;
  }
  throw new Error(`no typo of ${reference} found`);
}

const decimal = (minor: number) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

function txDetails(c: Credit): string {
  const ccy = c.currency ?? 'SEK';
  const rmt = c.reference
    ? `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${c.reference}</Ref></CdtrRefInf></Strd></RmtInf>`
    : c.ustrd
      ? `<RmtInf><Ustrd>${c.ustrd}</Ustrd></RmtInf>`
      : '';
  return `<TxDtls>
            <Refs><AcctSvcrRef>${c.bankRef}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <Amt Ccy="${ccy}">${decimal(c.amountMinor)}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties><Dbtr><Nm>${c.payer ?? 'Kund AB'}</Nm></Dbtr></RltdPties>
            ${rmt}
          </TxDtls>`;
}

/** A camt.054.001.04 notification: one batch entry per currency holding the given credits, and a bank fee. */
function camt054(msgId: string, credits: Credit[]): string {
  const byCurrency = new Map<string, Credit[]>();
  for (const c of credits) byCurrency.set(c.currency ?? 'SEK', [...(byCurrency.get(c.currency ?? 'SEK') ?? []), c]);
  const entries = [...byCurrency].map(
    ([ccy, cs], i) => `
      <Ntry>
        <Amt Ccy="${ccy}">${decimal(cs.reduce((s, c) => s + c.amountMinor, 0))}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <ValDt><Dt>2026-11-23</Dt></ValDt>
        <AcctSvcrRef>${msgId}-E${i + 1}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><Btch><NbOfTxs>${cs.length}</NbOfTxs></Btch>${cs.map(txDetails).join('')}</NtryDtls>
      </Ntry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2026-11-23T18:00:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>${msgId}-1</Id>
      <Acct><Id><IBAN>SE3550000000054910000003</IBAN></Id></Acct>${entries.join('')}
      <Ntry>
        <Amt Ccy="SEK">25.00</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <AcctSvcrRef>${msgId}-FEE</AcctSvcrRef>
        <BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

/** A camt.053.001.08 statement carrying the given credits, one entry each. */
function camt053(msgId: string, credits: Credit[]): string {
  const entries = credits.map(
    (c) => `
      <Ntry>
        <Amt Ccy="${c.currency ?? 'SEK'}">${decimal(c.amountMinor)}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-23</Dt></BookgDt>
        <AcctSvcrRef>${c.bankRef}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>${txDetails(c).replace('<Dbtr><Nm>', '<Dbtr><Pty><Nm>').replace('</Nm></Dbtr>', '</Nm></Pty></Dbtr>')}</NtryDtls>
      </Ntry>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${msgId}</MsgId><CreDtTm>2026-11-24T05:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${msgId}-1</Id>
      <Acct><Id><IBAN>SE3550000000054910000003</IBAN></Id></Acct>${entries.join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

describe('bank files', () => {
  let auth: { authorization: string };
  let full: { id: string; reference: string; owed: number };
  let partly: { id: string; reference: string; owed: number };

  const xml = (payload: string, contentType = 'application/xml') => ({ method: 'POST' as const, url: '/v1/payment-files', headers: { ...auth, 'content-type': contentType }, payload });
  const getCase = async (id: string) => (await api.app.inject({ method: 'GET', url: `/v1/cases/${id}`, headers: auth })).json();
  const counts = async () => {
    const db = api.database.db;
    const [payments, unmatched, files] = await Promise.all([
      db.selectFrom('payments').select(['id', 'case_id', 'amount_minor', 'bank_entry_ref', 'payment_file_id']).orderBy('id').execute(),
      db.selectFrom('unmatched_payments').selectAll().orderBy('id').execute(),
      db.selectFrom('payment_files').select('id').execute(),
    ]);
    return { payments, unmatched, files: files.length };
  };

  /** Opens a case through the API; the reference is the one the case got, or one set here if cases do not get one yet. */
  async function openCase(number: string, amount: number, base: string) {
    const res = await api.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: auth,
      payload: { debtor: businessDebtor({ customerNumber: `C-${number}` }), invoices: [invoice({ number, amount })] },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    let reference: string | null = body.paymentReference ?? null;
    if (!reference) {
      reference = makeSwedishOcr(base);
      await api.database.db.updateTable('cases').set({ payment_reference: reference }).where('id', '=', body.id).execute();
    }
    return { id: body.id as string, reference, owed: (await getCase(body.id)).outstanding.amount as number };
  }

  beforeAll(async () => {
    auth = (await api.creditor('Bankfil AB')).auth;
    full = await openCase('F-2001', 125_000, '900001');
    partly = await openCase('F-2002', 200_000, '900002');
  });

  const unknownReference = makeSwedishOcr('777777');
  const notification = () =>
    camt054('NOTIF-1', [
      // pays the first case in full, its reference written with spaces as people print it
      { bankRef: 'BANK-T-1', amountMinor: full.owed, reference: `${full.reference.slice(0, 3)} ${full.reference.slice(3)}` },
      { bankRef: 'BANK-T-2', amountMinor: 50_000, reference: partly.reference, payer: 'Kund &amp; Co AB' },
      { bankRef: 'BANK-T-3', amountMinor: 9_900, reference: unknownReference, payer: 'Stranger AB' },
    ]);

  let first: Record<string, any>;

  it('imports a camt.054: one case paid in full closes, another paid in part goes on, an unknown reference waits in the unmatched list', async () => {
    const res = await api.app.inject(xml(notification()));
    expect(res.statusCode, res.body).toBe(201);
    first = res.json();
    expect(first).toMatchObject({
      format: 'camt.054.001.04',
      messageId: 'NOTIF-1',
      counts: { entries: 3, matched: 2, unmatched: 1, duplicates: 0 },
      skipped: { debits: 1, reversals: 0, notBooked: 0, zeroAmount: 0 },
    });
    expect(first.entries).toEqual([
      expect.objectContaining({ entryRef: 'BANK-T-1', outcome: 'matched', caseId: full.id, amount: { amount: full.owed, currency: 'SEK' }, bookingDate: '2026-11-23' }),
      expect.objectContaining({ entryRef: 'BANK-T-2', outcome: 'matched', caseId: partly.id, payerName: 'Kund & Co AB' }),
      expect.objectContaining({ entryRef: 'BANK-T-3', outcome: 'unmatched', reason: 'unknown_reference', reference: unknownReference, caseId: null }),
    ]);

    const paid = await getCase(full.id);
    expect(paid).toMatchObject({ status: 'closed', closeReason: 'paid', outstanding: { amount: 0, currency: 'SEK' } });
    const part = await getCase(partly.id);
    expect(part.status).not.toBe('closed');
    expect(part.outstanding.amount).toBe(partly.owed - 50_000);

    const payments = await api.app.inject({ method: 'GET', url: `/v1/cases/${partly.id}/payments`, headers: auth });
    expect(payments.json().items).toEqual([expect.objectContaining({ source: 'bank_file', method: 'bank_transfer', amount: { amount: 50_000, currency: 'SEK' }, paidOn: '2026-11-23', payerReference: partly.reference })]);

    const list = await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments', headers: auth });
    expect(list.json()).toMatchObject({
      items: [{ entryRef: 'BANK-T-3', amount: { amount: 9_900, currency: 'SEK' }, bookedOn: '2026-11-23', reference: unknownReference, payerName: 'Stranger AB', reason: 'unknown_reference', status: 'open', paymentFileId: first.id }],
      nextCursor: null,
    });
  });

  it('imports the same file a second time without changing anything, answering with the earlier import', async () => {
    const before = await counts();
    const caseBefore = await getCase(partly.id);
    const res = await api.app.inject(xml(notification(), 'text/xml; charset=utf-8'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(first);
    expect(await counts()).toEqual(before);
    expect((await getCase(partly.id)).outstanding).toEqual(caseBefore.outstanding);
  });

  it('counts a credit once when a camt.053 statement brings it again', async () => {
    const before = await counts();
    const statement = camt053('STMT-1', [{ bankRef: 'BANK-T-2', amountMinor: 50_000, reference: partly.reference }]);
    const res = await api.app.inject(xml(statement));
    expect(res.statusCode, res.body).toBe(201);
    const paymentId = before.payments.find((p) => p.bank_entry_ref === 'BANK-T-2')!.id;
    expect(res.json()).toMatchObject({
      format: 'camt.053.001.08',
      counts: { entries: 1, matched: 0, unmatched: 0, duplicates: 1 },
      entries: [{ entryRef: 'BANK-T-2', outcome: 'duplicate', caseId: partly.id, paymentId }],
    });
    const after = await counts();
    expect(after.payments).toEqual(before.payments);
    expect(after.unmatched).toEqual(before.unmatched);
    expect(after.files).toBe(before.files + 1);
    expect((await getCase(partly.id)).outstanding.amount).toBe(partly.owed - 50_000);
  });

  it('records an unmatched payment on the case a person names, once', async () => {
    const [open] = (await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments', headers: auth })).json().items;
    const res = await api.app.inject({ method: 'POST', url: `/v1/unmatched-payments/${open.id}/match`, headers: auth, payload: { caseId: partly.id } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      unmatchedPayment: { id: open.id, status: 'matched', caseId: partly.id },
      payment: { caseId: partly.id, amount: { amount: 9_900, currency: 'SEK' }, paidOn: '2026-11-23' },
      outstanding: { amount: partly.owed - 50_000 - 9_900, currency: 'SEK' },
      caseClosed: false,
    });
    expect((await getCase(partly.id)).outstanding.amount).toBe(partly.owed - 50_000 - 9_900);
    const payment = await api.database.db.selectFrom('payments').selectAll().where('id', '=', res.json().payment.id).executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ source: 'bank_file', bank_entry_ref: 'BANK-T-3', payment_file_id: open.paymentFileId });

    expect((await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments', headers: auth })).json().items).toEqual([]);
    expect((await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments?status=matched', headers: auth })).json().items).toEqual([expect.objectContaining({ id: open.id })]);
    const again = await api.app.inject({ method: 'POST', url: `/v1/unmatched-payments/${open.id}/match`, headers: auth, payload: { caseId: partly.id } });
    expect(problem(again, 409).type).toBe('/problems/conflict');

    // The file's import shows it, and a third import of the file still changes nothing.
    const file = await api.app.inject({ method: 'GET', url: `/v1/payment-files/${first.id}`, headers: auth });
    expect(file.json()).toMatchObject({ id: first.id, counts: { entries: 3, matched: 2, unmatched: 1, duplicates: 0 }, skipped: null });
    expect(file.json().entries).toHaveLength(3);
    const before = await counts();
    expect((await api.app.inject(xml(notification()))).statusCode).toBe(200);
    expect(await counts()).toEqual(before);
  });

  it('lists every other credit with its reason, and never puts money on a closed case or in another currency', async () => {
    const res = await api.app.inject(
      xml(
        camt054('NOTIF-2', [
          { bankRef: 'BANK-U-1', amountMinor: 1_000, reference: full.reference },
          { bankRef: 'BANK-U-2', amountMinor: 1_000, currency: 'EUR', reference: partly.reference },
          { bankRef: 'BANK-U-3', amountMinor: 1_000, ustrd: 'Faktura F-2002' },
          { bankRef: 'BANK-U-4', amountMinor: 1_000, reference: typo(partly.reference) },
          // the same credit twice in one file counts once
          { bankRef: 'BANK-U-5', amountMinor: 1_000, ustrd: partly.reference },
          { bankRef: 'BANK-U-5', amountMinor: 1_000, ustrd: partly.reference },
        ]),
      ),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().counts).toEqual({ entries: 6, matched: 1, unmatched: 4, duplicates: 1 });
    expect(res.json().entries.map((e: { outcome: string; reason: string | null }) => [e.outcome, e.reason])).toEqual([
      // the SEK entry's transactions first, then the EUR entry's
      ['unmatched', 'case_closed'],
      ['unmatched', 'no_reference'],
      ['unmatched', 'invalid_reference'],
      ['matched', null],
      ['duplicate', null],
      ['unmatched', 'currency_mismatch'],
    ]);
    const eur = res.json().entries[5];
    const wrongCurrency = await api.app.inject({ method: 'POST', url: `/v1/unmatched-payments/${eur.unmatchedPaymentId}/match`, headers: auth, payload: { caseId: partly.id } });
    expect(problem(wrongCurrency, 422).detail).toMatch(/in EUR and the case in SEK/);
    const missing = await api.app.inject({ method: 'POST', url: `/v1/unmatched-payments/${eur.unmatchedPaymentId}/match`, headers: auth, payload: { caseId: '00000000-0000-4000-8000-000000000000' } });
    expect(problem(missing, 404).type).toBe('/problems/not-found');
  });

  it('puts a credit the case refuses in the unmatched list, and the rest of the file still imports', async () => {
    const partlyOwed = (await getCase(partly.id)).outstanding.amount;
    const statement = camt053('STMT-FUTURE', [
      { bankRef: 'BANK-F-1', amountMinor: 100, reference: partly.reference },
      { bankRef: 'BANK-F-2', amountMinor: 200, reference: partly.reference },
    ]).replace('<BookgDt><Dt>2026-11-23</Dt></BookgDt>', '<BookgDt><Dt>2026-12-24</Dt></BookgDt>');
    const res = await api.app.inject(xml(statement));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().entries).toEqual([
      expect.objectContaining({ entryRef: 'BANK-F-1', outcome: 'unmatched', reason: 'payment_refused', detail: expect.stringMatching(/future/) }),
      expect.objectContaining({ entryRef: 'BANK-F-2', outcome: 'matched', caseId: partly.id }),
    ]);
    expect((await getCase(partly.id)).outstanding.amount).toBe(partlyOwed - 200);
    // Cleared for the paging test below, which counts the open list.
    await api.database.db.deleteFrom('unmatched_payments').where('bank_entry_ref', '=', 'BANK-F-1').execute();
  });

  it('records a credit once when two files bringing it arrive at the same moment', async () => {
    const before = await counts();
    const credit = { bankRef: 'BANK-C-1', amountMinor: 300, reference: partly.reference };
    const same = camt054('NOTIF-C', [credit]);
    const results = await Promise.all([api.app.inject(xml(same)), api.app.inject(xml(same)), api.app.inject(xml(camt053('STMT-C', [credit])))]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 201, 201]);
    // Of the two files, one recorded the credit and the other found it known; the repeated file answered with its first import.
    const created = results.filter((r) => r.statusCode === 201).map((r) => r.json().entries[0].outcome);
    expect(created.sort()).toEqual(['duplicate', 'matched']);
    const replayed = results.find((r) => r.statusCode === 200)!.json();
    expect(results.find((r) => r.statusCode === 201 && r.json().id === replayed.id)!.json()).toEqual(replayed);
    const after = await counts();
    expect(after.payments.filter((p) => p.bank_entry_ref === 'BANK-C-1')).toHaveLength(1);
    expect(after.payments).toHaveLength(before.payments.length + 1);
    expect(after.files).toBe(before.files + 2);
  });

  it('pages through the unmatched list', async () => {
    const page1 = (await api.app.inject({ method: 'GET', url: '/v1/unmatched-payments?limit=3', headers: auth })).json();
    expect(page1.items).toHaveLength(3);
    const page2 = (await api.app.inject({ method: 'GET', url: `/v1/unmatched-payments?limit=3&cursor=${page1.nextCursor}`, headers: auth })).json();
    expect(page2).toMatchObject({ nextCursor: null });
    expect(page2.items).toHaveLength(1);
    expect(new Set([...page1.items, ...page2.items].map((u: { id: string }) => u.id)).size).toBe(4);
  });

  it('refuses what is not a bank file it reads, with problem+json and nothing recorded', async () => {
    const before = await counts();
    expect(problem(await api.app.inject(xml('<Document><BkToCstmrStmt></Document>')), 400).type).toBe('/problems/malformed-body');
    expect(problem(await api.app.inject(xml('')), 400).type).toMatch(/malformed-body|validation/);
    const report = notification().replace('camt.054.001.04', 'camt.052.001.04');
    const unsupported = problem(await api.app.inject(xml(report)), 422);
    expect(unsupported.detail).toMatch(/camt\.052\.001\.04 is not read here/);
    const noMsgId = problem(await api.app.inject(xml(notification().replace('<MsgId>NOTIF-1</MsgId>', ''))), 422);
    expect(noMsgId.errors).toEqual([{ in: 'body', pointer: '/Document/BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId', detail: expect.stringMatching(/no message id/) }]);
    const entity = problem(await api.app.inject(xml('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')), 400);
    expect(entity.detail).toMatch(/document type declarations are not accepted/);
    expect(problem(await api.app.inject({ method: 'POST', url: '/v1/payment-files', headers: auth, payload: { xml: '<Document/>' } }), 415).type).toBe('/problems/unsupported-media-type');
    expect(problem(await api.app.inject({ method: 'POST', url: '/v1/payment-files', headers: { ...auth, 'content-type': 'application/octet-stream' }, payload: 'x' }), 415).type).toBe('/problems/unsupported-media-type');
    const huge = await api.app.inject(xml(`<a>${'x'.repeat(10 * 1024 * 1024 + 1)}</a>`));
    expect(problem(huge, 413).type).toBe('/problems/payload-too-large');
    expect(await counts()).toEqual(before);
  });

  it('accepts files larger than JSON bodies may be', async () => {
    const many: Credit[] = Array.from({ length: 3_000 }, (_, i) => ({ bankRef: `BULK-${i}`, amountMinor: 100 + i, ustrd: `Betalning nummer ${i} utan referens, med en lång beskrivande text` }));
    const body = camt054('BULK-1', many);
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const res = await api.app.inject(xml(body));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().counts).toEqual({ entries: 3_000, matched: 0, unmatched: 3_000, duplicates: 0 });
  });

  it('keeps each creditor’s files and payments to itself', async () => {
    const other = (await api.creditor('Annan AB')).auth;
    const res = await api.app.inject({ ...xml(notification()), headers: { ...other, 'content-type': 'application/xml' } });
    // Another creditor's cases do not match, and its own import of the same bytes is its own.
    expect(res.statusCode).toBe(201);
    expect(res.json().counts).toMatchObject({ matched: 0, unmatched: 3 });
    expect((await api.app.inject({ method: 'GET', url: `/v1/payment-files/${first.id}`, headers: other })).statusCode).toBe(404);
  });
});
