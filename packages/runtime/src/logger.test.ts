import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

/** A logger as the services make it, writing its JSON lines into a list. */
function capturing() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ name: 'redaction-test', level: 'trace', pretty: false, destination });
  return { logger, lines };
}

const PERSONAL = {
  identityNumber: '19121212-1212',
  organisationNumber: '556016-0680',
  email: 'anna.andersson@kund.example',
  phone: '+46 70 123 45 67',
  line1: 'Storgatan 1',
  line2: 'c/o Svensson',
  postalCode: '111 22',
  city: 'Sundsvall',
  name: 'Anna Andersson',
};

const apiDebtor = {
  kind: 'consumer',
  name: PERSONAL.name,
  identityNumber: PERSONAL.identityNumber,
  email: PERSONAL.email,
  phone: PERSONAL.phone,
  address: { line1: PERSONAL.line1, line2: PERSONAL.line2, postalCode: PERSONAL.postalCode, city: PERSONAL.city, country: 'SE' },
};

const debtorRow = {
  id: '0b6f3a4e-7c1d-4d55-9f51-2f1f0c8a1e11',
  name: PERSONAL.name,
  identity_number: PERSONAL.organisationNumber,
  email: PERSONAL.email,
  phone: PERSONAL.phone,
  address_line1: PERSONAL.line1,
  address_line2: PERSONAL.line2,
  postal_code: PERSONAL.postalCode,
  city: PERSONAL.city,
  country: 'SE',
};

const recipient = { name: PERSONAL.name, email: PERSONAL.email, line1: PERSONAL.line1, line2: PERSONAL.line2, postalCode: PERSONAL.postalCode, city: PERSONAL.city, country: 'SE' };

/** Objects as they reach a log line: from the API, from the database, from the notifier, nested. */
const shapes: Record<string, Record<string, unknown>> = {
  'the fields themselves': { identityNumber: PERSONAL.identityNumber, email: PERSONAL.email, phone: PERSONAL.phone, postalCode: PERSONAL.postalCode, city: PERSONAL.city, line1: PERSONAL.line1 },
  'a debtor from the API': { debtor: apiDebtor },
  'a debtor row': { debtor: debtorRow },
  'a notification recipient': { recipient },
  'a notification row': { notification: { id: 'n-1', channel: 'letter', recipient } },
  'a request body': { req: { method: 'POST', url: '/v1/cases', body: { debtor: apiDebtor, invoices: [{ number: 'F-1' }] } } },
  'a request body, deeper': { request: { body: { contact: { debtor: { address: apiDebtor.address, email: PERSONAL.email } } } } },
  'a list of debtors': { debtors: [apiDebtor, debtorRow] },
  'a job with a case': { job: { data: { case: { debtor: debtorRow } } } },
  'an error carrying its input': { err: { message: 'could not send', input: { recipient } } },
};

describe('log redaction of personal data', () => {
  for (const [shape, object] of Object.entries(shapes)) {
    it(`keeps identity numbers, emails, phone numbers, addresses and names out of ${shape}`, () => {
      const { logger, lines } = capturing();
      logger.info(object, 'something happened');
      expect(lines).toHaveLength(1);
      const line = lines[0]!;
      for (const [field, value] of Object.entries(PERSONAL)) expect(line, `${field} leaked`).not.toContain(value);
      expect(line).toContain('something happened');
      expect(line).toContain('[redacted]');
    });
  }

  it('keeps contact data out of a debtor row logged under another name (a name is known as a person’s only under debtor or recipient)', () => {
    const { logger, lines } = capturing();
    logger.info({ row: debtorRow }, 'row');
    const { name: _name, ...contact } = PERSONAL;
    for (const value of Object.values(contact)) expect(lines[0]).not.toContain(value);
  });

  it('redacts the bindings of a child logger too', () => {
    const { logger, lines } = capturing();
    logger.child({ debtor: apiDebtor }).warn({ recipient }, 'child');
    for (const value of Object.values(PERSONAL)) expect(lines[0]).not.toContain(value);
  });

  it('keeps an error an error, with its message and stack, while censoring what it carries', () => {
    const { logger, lines } = capturing();
    const err = Object.assign(new TypeError('the provider refused the message'), { code: 'EENVELOPE', recipient, response: { rejected: [{ email: PERSONAL.email }] } });
    logger.error({ err, notificationId: 'n-1' }, 'send failed');
    for (const value of Object.values(PERSONAL)) expect(lines[0]).not.toContain(value);
    const parsed = JSON.parse(lines[0]!);
    expect(parsed.err).toMatchObject({ type: 'TypeError', message: 'the provider refused the message', code: 'EENVELOPE', recipient: { email: '[redacted]', country: 'SE' } });
    expect(parsed.err.stack).toContain('TypeError: the provider refused the message');
    // The logged error itself is left as it was.
    expect(err.recipient.email).toBe(PERSONAL.email);
  });

  it('leaves what is not personal readable', () => {
    const { logger, lines } = capturing();
    logger.info({ caseId: 'c-1', notificationId: 'n-1', debtor: { id: debtorRow.id, kind: 'business', country: 'SE' }, creditor: { name: 'Acme AB' }, reqId: 'r-1' }, 'sent');
    const parsed = JSON.parse(lines[0]!);
    expect(parsed).toMatchObject({ caseId: 'c-1', notificationId: 'n-1', debtor: { id: debtorRow.id, kind: 'business', country: 'SE' }, creditor: { name: 'Acme AB' }, reqId: 'r-1' });
  });

  it('keeps the API key and idempotency key of a logged request out', () => {
    const { logger, lines } = capturing();
    logger.info({ req: { headers: { authorization: 'Bearer fdr_abc_secret', 'idempotency-key': 'erp-1' } } }, 'request');
    expect(lines[0]).not.toContain('fdr_abc_secret');
    expect(lines[0]).not.toContain('erp-1');
  });
});
