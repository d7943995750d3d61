/**
 * ISO 20022 bank-to-customer cash management messages: camt.054 (BankToCustomerDebitCreditNotification,
 * the bank's notice of each booking) and camt.053 (BankToCustomerStatement, the day's statement), in
 * versions 001.02 to 001.08. The version is read from the document's namespace; the elements read
 * here are the same in all of them, except where a later version moved one (noted where it happens).
 *
 * Each booked credit transaction comes out once: an entry (Ntry) may be a batch booking whose
 * details (NtryDtls/TxDtls) list several payments, and each becomes a credit of its own.
 */
import { createHash } from 'node:crypto';
import { isCurrencyCode, parseMinorUnits } from './amounts.js';
import { BankFileError } from './errors.js';
import { childOf, childrenOf, readXml, textAt, type XElement, type XmlLimits } from './xml.js';

export type CamtMessageType = 'camt.054' | 'camt.053';

/** Versions read: 001.02 to 001.08. */
export const CAMT_VERSIONS = ['02', '03', '04', '05', '06', '07', '08'] as const;

const MESSAGES: Record<CamtMessageType, { root: string; report: string }> = {
  'camt.054': { root: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn' },
  'camt.053': { root: 'BkToCstmrStmt', report: 'Stmt' },
};

/**
 * Where a credit's `entryRef` came from:
 * - `transaction`: the account servicer's reference of the transaction (NtryDtls/TxDtls/Refs/AcctSvcrRef);
 * - `entry`: the account servicer's reference of the entry (Ntry/AcctSvcrRef), followed by `/n` (the
 *   transaction's 1-based position in the entry) when the entry holds several transactions;
 * - `position`: neither is given; a hash of the message id, the account and the credit's position in the
 *   file (report, entry, transaction), prefixed `pos:`. Stable for the same message, but the same credit
 *   in another message (a statement after a notification) gets another one.
 *
 * The bank's reference is unique per booking and the same in a notification and in the statement that
 * later carries the same booking, which is what lets a credit count once whichever file brings it.
 */
export type EntryRefSource = 'transaction' | 'entry' | 'position';

export interface CamtCredit {
  /** A stable reference of the credit; see EntryRefSource. */
  entryRef: string;
  entryRefSource: EntryRefSource;
  /** The booking day, YYYY-MM-DD (BookgDt, else ValDt). */
  bookingDate: string;
  /** Integer minor units of `currency`, exact. */
  amountMinor: bigint;
  currency: string;
  /** The structured creditor reference (RmtInf/Strd/CdtrRefInf/Ref) as written, or null. */
  creditorReference: string | null;
  /** Unstructured remittance information (RmtInf/Ustrd), one item per line. */
  remittanceLines: string[];
  /** The payer: RltdPties/Dbtr's name (Dbtr/Pty/Nm from version 08), else the ultimate debtor's. */
  debtorName: string | null;
  /** The end-to-end id the payer gave, when not NOTPROVIDED. */
  endToEndId: string | null;
  /** The account credited: its IBAN, else its other identification. */
  account: string | null;
  /** 1-based positions in the file, for people reading a summary. */
  position: { report: number; entry: number; transaction: number };
}

export interface CamtSkipped {
  /** Debit transactions (money out). */
  debits: number;
  /** Entries marked as reversals (RvslInd), whichever their direction. */
  reversals: number;
  /** Entries not booked yet (status PDNG) or for information only (INFO). */
  notBooked: number;
  /** Credits of zero. */
  zeroAmount: number;
}

export interface CamtFile {
  messageType: CamtMessageType;
  /** e.g. `08` */
  version: string;
  /** e.g. `camt.054.001.08` */
  format: string;
  namespace: string;
  /** GrpHdr/MsgId */
  messageId: string;
  /** GrpHdr/CreDtTm as written */
  createdAt: string | null;
  credits: CamtCredit[];
  skipped: CamtSkipped;
}

export interface CamtLimits extends XmlLimits {
  /** The most transactions (credits and debits) a file may hold. */
  maxTransactions: number;
}

export const DEFAULT_CAMT_LIMITS: CamtLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 64, maxTransactions: 100_000 };

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d{2})$/;

/** Which message a namespace names, or null when it is not camt.053/054 of a version we read. */
export function camtMessageOf(namespace: string): { messageType: CamtMessageType; version: string } | null {
  const m = NAMESPACE.exec(namespace.trim());
  if (!m || !(CAMT_VERSIONS as readonly string[]).includes(m[2]!)) return null;
  return { messageType: m[1] as CamtMessageType, version: m[2]! };
}

/** Parses a camt.054 or camt.053 file. Throws a BankFileError saying what is wrong and where. */
export function parseCamt(input: Uint8Array | string, limits: Partial<CamtLimits> = {}): CamtFile {
  const { maxTransactions, ...xmlLimits } = { ...DEFAULT_CAMT_LIMITS, ...limits };
  const { root, namespace } = readXml(input, xmlLimits);
  if (root.name !== 'Document') throw new BankFileError('unsupported_message', `the document element is ${root.name}, not an ISO 20022 Document`);
  if (!namespace) throw new BankFileError('unsupported_message', 'the Document has no namespace, so its message type and version cannot be told');
  const message = camtMessageOf(namespace);
  if (!message) {
    throw new BankFileError(
      'unsupported_message',
      `the message ${namespace} is not read here: send camt.054 or camt.053, versions 001.${CAMT_VERSIONS[0]} to 001.${CAMT_VERSIONS[CAMT_VERSIONS.length - 1]}`,
    );
  }
  const { root: rootName, report: reportName } = MESSAGES[message.messageType];
  const body = childOf(root, rootName);
  if (!body) throw new BankFileError('unsupported_message', `a ${message.messageType} Document must hold ${rootName}`, '/Document');
  const base = `/Document/${rootName}`;
  const messageId = textAt(body, 'GrpHdr', 'MsgId');
  if (!messageId) throw new BankFileError('missing_field', 'the group header has no message id', `${base}/GrpHdr/MsgId`);

  const reader = new Reader(messageId, maxTransactions);
  const reports = childrenOf(body, reportName);
  if (reports.length === 0) throw new BankFileError('missing_field', `the message holds no ${reportName}`, `${base}/${reportName}`);
  reports.forEach((report, r) => reader.readReport(report, r + 1, `${base}/${reportName}[${r + 1}]`));

  return {
    messageType: message.messageType,
    version: message.version,
    format: `${message.messageType}.001.${message.version}`,
    namespace,
    messageId,
    createdAt: textAt(body, 'GrpHdr', 'CreDtTm') ?? null,
    credits: reader.credits,
    skipped: reader.skipped,
  };
}

const DATE = /^(\d{4}-\d{2}-\d{2})(?:$|T)/;

class Reader {
  readonly credits: CamtCredit[] = [];
  readonly skipped: CamtSkipped = { debits: 0, reversals: 0, notBooked: 0, zeroAmount: 0 };
  private transactions = 0;

  constructor(
    private readonly messageId: string,
    private readonly maxTransactions: number,
  ) {}

  readReport(report: XElement, r: number, path: string): void {
    const acct = childOf(report, 'Acct');
    const account = textAt(acct, 'Id', 'IBAN') ?? textAt(acct, 'Id', 'Othr', 'Id') ?? null;
    childrenOf(report, 'Ntry').forEach((entry, e) => this.readEntry(entry, { report: r, entry: e + 1 }, account, `${path}/Ntry[${e + 1}]`));
  }

  private readEntry(entry: XElement, at: { report: number; entry: number }, account: string | null, path: string): void {
    const amountEl = childOf(entry, 'Amt');
    if (!amountEl || amountEl.text === '') throw new BankFileError('missing_field', 'the entry has no amount', `${path}/Amt`);
    const direction = creditDebit(textAt(entry, 'CdtDbtInd'), `${path}/CdtDbtInd`, true)!;
    const reversal = isTrue(textAt(entry, 'RvslInd'));
    // Sts is a code up to version 06 and a choice of Cd or Prtry from version 07.
    const statusEl = childOf(entry, 'Sts');
    const status = statusEl ? (textAt(statusEl, 'Cd') ?? textAt(statusEl, 'Prtry') ?? statusEl.text) : 'BOOK';
    const booked = status.toUpperCase() === 'BOOK';
    const txs = childrenOf(entry, 'NtryDtls').flatMap((d) => childrenOf(d, 'TxDtls'));
    const count = Math.max(1, txs.length);
    this.transactions += count;
    if (this.transactions > this.maxTransactions) throw new BankFileError('too_large', `the file holds more than ${this.maxTransactions} transactions`);

    if (reversal) {
      this.skipped.reversals += count;
      return;
    }
    if (!booked) {
      this.skipped.notBooked += count;
      return;
    }

    const entryRef = textAt(entry, 'AcctSvcrRef') ?? null;
    if (txs.length === 0) {
      if (direction === 'DBIT') {
        this.skipped.debits += 1;
        return;
      }
      const { amountMinor, currency } = amountOf(amountEl, `${path}/Amt`);
      this.push({ entry, tx: undefined, amountMinor, currency, account, at: { ...at, transaction: 1 }, entryRef, several: false, entryPath: path });
      return;
    }
    txs.forEach((tx, t) => {
      const txPath = `${path}/NtryDtls/TxDtls[${t + 1}]`;
      // CdtDbtInd and Amt are on the transaction from version 03; before, the amount is in AmtDtls.
      const txDirection = creditDebit(textAt(tx, 'CdtDbtInd'), `${txPath}/CdtDbtInd`, false) ?? direction;
      if (txDirection === 'DBIT') {
        this.skipped.debits += 1;
        return;
      }
      const txAmountEl = childOf(tx, 'Amt') ?? childOf(childOf(childOf(tx, 'AmtDtls'), 'TxAmt'), 'Amt');
      let amount: { amountMinor: bigint; currency: string };
      if (txAmountEl && txAmountEl.text !== '') amount = amountOf(txAmountEl, childOf(tx, 'Amt') ? `${txPath}/Amt` : `${txPath}/AmtDtls/TxAmt/Amt`);
      else if (txs.length === 1) amount = amountOf(amountEl, `${path}/Amt`);
      else throw new BankFileError('missing_field', 'a transaction of a batch entry has no amount (Amt or AmtDtls/TxAmt/Amt)', `${txPath}/Amt`);
      this.push({ entry, tx, ...amount, account, at: { ...at, transaction: t + 1 }, entryRef, several: txs.length > 1, entryPath: path });
    });
  }

  private push(c: {
    entry: XElement;
    tx: XElement | undefined;
    amountMinor: bigint;
    currency: string;
    account: string | null;
    at: CamtCredit['position'];
    entryRef: string | null;
    several: boolean;
    entryPath: string;
  }): void {
    if (c.amountMinor === 0n) {
      this.skipped.zeroAmount += 1;
      return;
    }
    const bookingDate = dateOf(c.entry, 'BookgDt', c.entryPath) ?? dateOf(c.entry, 'ValDt', c.entryPath);
    if (!bookingDate) throw new BankFileError('missing_field', 'a booked credit has neither a booking date nor a value date', `${c.entryPath}/BookgDt`);

    const txRef = textAt(c.tx, 'Refs', 'AcctSvcrRef');
    let entryRef: string;
    let entryRefSource: EntryRefSource;
    if (txRef) {
      entryRef = txRef;
      entryRefSource = 'transaction';
    } else if (c.entryRef) {
      entryRef = c.several ? `${c.entryRef}/${c.at.transaction}` : c.entryRef;
      entryRefSource = 'entry';
    } else {
      const key = [this.messageId, c.account ?? '', c.at.report, c.at.entry, c.at.transaction].join('\u0000');
      entryRef = `pos:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
      entryRefSource = 'position';
    }

    const rmtInf = childrenOf(c.tx, 'RmtInf');
    const creditorReference =
      rmtInf.flatMap((r) => childrenOf(r, 'Strd')).map((s) => textAt(s, 'CdtrRefInf', 'Ref')).find((ref): ref is string => ref !== undefined) ?? null;
    const remittanceLines = rmtInf.flatMap((r) => childrenOf(r, 'Ustrd')).map((u) => u.text).filter((line) => line !== '');
    const parties = childOf(c.tx, 'RltdPties');
    // Version 08 wraps the debtor in Pty (Party40Choice); earlier versions name it directly.
    const nameOf = (party: XElement | undefined) => textAt(party, 'Nm') ?? textAt(party, 'Pty', 'Nm');
    const debtorName = nameOf(childOf(parties, 'Dbtr')) ?? nameOf(childOf(parties, 'UltmtDbtr')) ?? null;
    const endToEnd = textAt(c.tx, 'Refs', 'EndToEndId');

    this.credits.push({
      entryRef,
      entryRefSource,
      bookingDate,
      amountMinor: c.amountMinor,
      currency: c.currency,
      creditorReference,
      remittanceLines,
      debtorName,
      endToEndId: endToEnd && endToEnd !== 'NOTPROVIDED' ? endToEnd : null,
      account: c.account,
      position: c.at,
    });
  }
}

function creditDebit(value: string | undefined, path: string, required: boolean): 'CRDT' | 'DBIT' | null {
  if (value === undefined) {
    if (required) throw new BankFileError('missing_field', 'the entry does not say whether it is a credit or a debit', path);
    return null;
  }
  if (value !== 'CRDT' && value !== 'DBIT') throw new BankFileError('invalid_value', `CdtDbtInd must be CRDT or DBIT, not ${value}`, path);
  return value;
}

function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

function amountOf(el: XElement, path: string): { amountMinor: bigint; currency: string } {
  const currency = el.attrs.get('Ccy');
  if (!currency) throw new BankFileError('missing_field', 'the amount has no currency (Ccy)', path);
  if (!isCurrencyCode(currency)) throw new BankFileError('invalid_value', `${currency} is not an ISO 4217 currency code`, path);
  const amountMinor = parseMinorUnits(el.text, currency);
  if (amountMinor === null) {
    throw new BankFileError('invalid_value', `${el.text} is not an amount in ${currency}: digits, a point, and no more decimals than the currency has`, path);
  }
  return { amountMinor, currency };
}

/** A date group's day: Dt, or the day of DtTm as written (the bank's local day). */
function dateOf(entry: XElement, name: string, entryPath: string): string | undefined {
  const group = childOf(entry, name);
  if (!group) return undefined;
  const value = textAt(group, 'Dt') ?? textAt(group, 'DtTm');
  if (value === undefined) return undefined;
  const day = DATE.exec(value)?.[1];
  if (!day || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
    throw new BankFileError('invalid_value', `${value} is not a date`, `${entryPath}/${name}`);
  }
  return day;
}
