import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BankFileError, parseCamt, type CamtFile } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url));

/** A camt.054 document around the given entries, for the error cases. */
const notification = (entries: string, { version = '02', msgId = '<MsgId>M-1</MsgId>' } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.${version}">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr>${msgId}<CreDtTm>2026-11-23T18:00:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>N-1</Id><Acct><Id><IBAN>SE3550000000054910000003</IBAN></Id></Acct>${entries}</Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>`;

const credit = (amt: string, extra = '') =>
  `<Ntry><Amt Ccy="SEK">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt>${extra}</Ntry>`;

function refused(input: string | Uint8Array, limits?: Parameters<typeof parseCamt>[1]): BankFileError {
  try {
    parseCamt(input, limits);
  } catch (err) {
    if (err instanceof BankFileError) return err;
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('camt.054 version 02 with batch bookings', () => {
  const file: CamtFile = parseCamt(fixture('camt054-v02-batch.xml'));

  it('reads the message from its namespace', () => {
    expect(file).toMatchObject({ messageType: 'camt.054', version: '02', format: 'camt.054.001.02', messageId: 'NOTIF-20261123-0001', createdAt: '2026-11-23T18:00:00' });
  });

  it('yields every credited transaction of every entry, in file order', () => {
    expect(file.credits.map((c) => [c.entryRef, c.amountMinor, c.currency, c.bookingDate])).toEqual([
      ['T-0001-1', 125_000n, 'SEK', '2026-11-23'],
      ['T-0001-2', 225_000n, 'SEK', '2026-11-23'],
      ['E-0002/1', 12_000n, 'SEK', '2026-11-23'],
      ['E-0002/2', 8_000n, 'SEK', '2026-11-23'],
      [expect.stringMatching(/^pos:[0-9a-f]{40}$/), 1_050n, 'SEK', '2026-11-22'],
    ]);
    expect(file.credits.map((c) => c.entryRefSource)).toEqual(['transaction', 'transaction', 'entry', 'entry', 'position']);
    expect(file.credits.map((c) => c.position)).toEqual([
      { report: 1, entry: 1, transaction: 1 },
      { report: 1, entry: 1, transaction: 2 },
      { report: 1, entry: 2, transaction: 1 },
      { report: 1, entry: 2, transaction: 2 },
      { report: 1, entry: 6, transaction: 1 },
    ]);
  });

  it('counts what it skipped: debits, reversals and entries not booked', () => {
    expect(file.skipped).toEqual({ debits: 1, reversals: 1, notBooked: 1, zeroAmount: 0 });
  });

  it('reads references, remittance lines and the payer, with XML escapes undone', () => {
    const [first, second, third, fourth] = file.credits;
    expect(first).toMatchObject({ creditorReference: '100 0173', remittanceLines: [], debtorName: 'Kund AB', endToEndId: null, account: 'SE3550000000054910000003' });
    expect(second).toMatchObject({ creditorReference: null, remittanceLines: ['Faktura F-1002', 'Tack för senast'], debtorName: 'Annan & Son HB', endToEndId: 'E2E-77' });
    expect(third).toMatchObject({ creditorReference: null, remittanceLines: ['1000272'], debtorName: null });
    expect(fourth).toMatchObject({ debtorName: 'Ultimate Payer Oy' });
  });

  it('gives the same references when the same file is read again', () => {
    expect(parseCamt(fixture('camt054-v02-batch.xml')).credits.map((c) => c.entryRef)).toEqual(file.credits.map((c) => c.entryRef));
  });
});

describe('camt.054 version 08 with a namespace prefix', () => {
  const file = parseCamt(fixture('camt054-v08-prefixed.xml'));

  it('reads the prefixed document and the later version’s shapes (Sts/Cd, Dbtr/Pty, TxDtls/Amt)', () => {
    expect(file).toMatchObject({ messageType: 'camt.054', version: '08', messageId: 'FI-NOTIF-77' });
    expect(file.credits).toEqual([
      expect.objectContaining({ entryRef: 'FI-T-1', amountMinor: 10_050n, currency: 'EUR', creditorReference: 'RF25 1000 1', debtorName: 'Asiakas Oy', endToEndId: 'INV-2026-0042', account: '12345600000785' }),
      expect.objectContaining({ entryRef: 'FI-T-2', amountMinor: 3_000n, creditorReference: '00000000000000100010', debtorName: null }),
    ]);
  });

  it('skips a debit inside a batch entry by its own indicator', () => {
    expect(file.skipped).toEqual({ debits: 1, reversals: 0, notBooked: 0, zeroAmount: 0 });
  });
});

describe('camt.053', () => {
  it('reads a statement’s credits and skips its debits', () => {
    const file = parseCamt(fixture('camt053-v04-statement.xml'));
    expect(file).toMatchObject({ messageType: 'camt.053', version: '04', format: 'camt.053.001.04', messageId: 'STMT-20261123' });
    expect(file.credits).toEqual([expect.objectContaining({ entryRef: 'T-0001-1', amountMinor: 125_000n, creditorReference: '1000173', debtorName: 'Kund AB' })]);
    expect(file.skipped.debits).toBe(1);
  });

  it('accepts every version from 02 to 08 and reads the same credit from each', () => {
    for (const version of ['02', '03', '04', '05', '06', '07', '08']) {
      const xml = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}"><BkToCstmrStmt><GrpHdr><MsgId>S</MsgId></GrpHdr><Stmt><Id>1</Id>${credit('5.00', '<AcctSvcrRef>R</AcctSvcrRef>')}</Stmt></BkToCstmrStmt></Document>`;
      expect(parseCamt(xml).credits).toEqual([expect.objectContaining({ entryRef: 'R', amountMinor: 500n, entryRefSource: 'entry' })]);
    }
  });
});

describe('amounts', () => {
  it('are exact in minor units whatever the number of decimals written', () => {
    const amounts = (xml: string) => parseCamt(xml).credits.map((c) => c.amountMinor);
    expect(amounts(notification(credit('0.10') + credit('1') + credit('10.5') + credit('99999999999.99') + credit('0000012.30')))).toEqual([10n, 100n, 1050n, 9_999_999_999_999n, 1230n]);
    // 0.1 + 0.2 in floating point is 0.30000000000000004; here it is never a float.
    expect(amounts(notification(credit('0.30')))).toEqual([30n]);
  });

  it('refuse more decimals than the currency has', () => {
    const err = refused(notification(credit('10.505')));
    expect(err.kind).toBe('invalid_value');
    expect(err.message).toMatch(/10\.505 is not an amount in SEK/);
    expect(err.path).toBe('/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/Amt');
    expect(refused(notification('<Ntry><Amt Ccy="ISK">10.5</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt></Ntry>')).kind).toBe('invalid_value');
  });

  it('refuse signs, exponents and separators', () => {
    for (const bad of ['-10.00', '1e3', '1,000.00', '10.', '.5', '']) expect(refused(notification(credit(bad))).kind).toMatch(/invalid_value|missing_field/);
  });

  it('need a currency', () => {
    const err = refused(notification('<Ntry><Amt>10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt></Ntry>'));
    expect(err).toMatchObject({ kind: 'missing_field' });
    expect(err.message).toMatch(/no currency/);
  });

  it('of zero are skipped and counted', () => {
    expect(parseCamt(notification(credit('0.00'))).skipped.zeroAmount).toBe(1);
  });
});

describe('files refused with a reason', () => {
  it('malformed XML', () => {
    const err = refused('<Document><BkToCstmrStmt></Document>');
    expect(err.kind).toBe('malformed_xml');
    expect(err.message).toMatch(/not well-formed XML.*line 1/);
    expect(refused('').kind).toBe('malformed_xml');
    expect(refused('just text').kind).toBe('malformed_xml');
  });

  it('a document type declaration, so no entity is ever expanded', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${notification(credit('1.00', '<AcctSvcrRef>&b;</AcctSvcrRef>')).replace(/^<\?xml[^>]*>/, '')}`;
    const err = refused(laughs);
    expect(err.kind).toBe('malformed_xml');
    expect(err.message).toMatch(/document type declarations are not accepted/);
    const external = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>';
    expect(refused(external).kind).toBe('malformed_xml');
  });

  it('another message type or an unknown version', () => {
    const accountReport = notification(credit('1.00')).replace('camt.054.001.02', 'camt.052.001.02');
    expect(refused(accountReport)).toMatchObject({ kind: 'unsupported_message' });
    expect(refused(accountReport).message).toMatch(/camt\.052\.001\.02 is not read here: send camt\.054 or camt\.053, versions 001\.02 to 001\.08/);
    expect(refused(notification(credit('1.00'), { version: '01' })).kind).toBe('unsupported_message');
    expect(refused('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>').kind).toBe('unsupported_message');
    expect(refused('<Document><BkToCstmrStmt/></Document>').message).toMatch(/no namespace/);
    expect(refused('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>').message).toMatch(/document element is Invoice/);
    // The namespace says camt.053 but the body is a notification.
    expect(refused(notification(credit('1.00')).replace('camt.054', 'camt.053')).message).toMatch(/must hold BkToCstmrStmt/);
  });

  it('missing mandatory fields', () => {
    expect(refused(notification(credit('1.00'), { msgId: '' }))).toMatchObject({ kind: 'missing_field', path: '/Document/BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId' });
    expect(refused(notification('<Ntry><Amt Ccy="SEK">1.00</Amt><Sts>BOOK</Sts></Ntry>'))).toMatchObject({ kind: 'missing_field', path: '/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/CdtDbtInd' });
    expect(refused(notification('<Ntry><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>'))).toMatchObject({ kind: 'missing_field' });
    expect(refused(notification('<Ntry><Amt Ccy="SEK">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>')).message).toMatch(/neither a booking date nor a value date/);
    const batchWithoutAmounts = credit('3.00', '<NtryDtls><TxDtls><Refs><AcctSvcrRef>A</AcctSvcrRef></Refs></TxDtls><TxDtls><Refs><AcctSvcrRef>B</AcctSvcrRef></Refs></TxDtls></NtryDtls>');
    expect(refused(notification(batchWithoutAmounts))).toMatchObject({ kind: 'missing_field', path: '/Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls/TxDtls[1]/Amt' });
    expect(refused(notification('').replace(/<Ntfctn>.*<\/Ntfctn>/, '')).message).toMatch(/no Ntfctn/);
    // A notification without entries is valid and brings nothing.
    expect(parseCamt(notification('')).credits).toEqual([]);
  });

  it('values the standard does not allow', () => {
    expect(refused(notification('<Ntry><Amt Ccy="SEK">1.00</Amt><CdtDbtInd>CREDIT</CdtDbtInd><Sts>BOOK</Sts></Ntry>')).kind).toBe('invalid_value');
    expect(refused(notification('<Ntry><Amt Ccy="SEK">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-02-30</Dt></BookgDt></Ntry>')).kind).toBe('invalid_value');
    expect(refused(notification('<Ntry><Amt Ccy="kr">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-23</Dt></BookgDt></Ntry>')).kind).toBe('invalid_value');
  });

  it('beyond the limits', () => {
    expect(refused(notification(credit('1.00')), { maxBytes: 100 }).kind).toBe('too_large');
    expect(refused(notification(credit('1.00') + credit('2.00') + credit('3.00')), { maxTransactions: 2 }).message).toMatch(/more than 2 transactions/);
    const deep = `${'<a>'.repeat(200)}${'</a>'.repeat(200)}`;
    expect(['too_large', 'malformed_xml']).toContain(refused(deep).kind);
  });

  it('text that is not in its declared encoding', () => {
    expect(refused(Uint8Array.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])).message).toMatch(/not valid UTF-8/);
    expect(refused(Buffer.from('<?xml version="1.0" encoding="EBCDIC"?><a/>')).message).toMatch(/encoding ebcdic/);
  });
});

describe('encodings', () => {
  it('reads UTF-8 with a byte order mark and Latin-1 when declared', () => {
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(notification(credit('1.00', '<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Åström</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>')))]);
    expect(parseCamt(utf8).credits[0]!.debtorName).toBe('Åström');
    const latin1 = Buffer.from(
      notification(credit('1.00', '<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Åström</Nm></Dbtr></RltdPties></TxDtls></NtryDtls>')).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
      'latin1',
    );
    expect(parseCamt(latin1).credits[0]!.debtorName).toBe('Åström');
  });
});
