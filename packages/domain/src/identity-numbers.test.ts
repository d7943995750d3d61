import { describe, expect, it } from 'vitest';
import {
  checkFinnishBusinessId,
  checkFinnishPersonalIdentityCode,
  checkIdentityNumber,
  checkSwedishOrganisationNumber,
  checkSwedishPersonalNumber,
  luhnValid,
} from './identity-numbers.js';
import { DomainError } from './errors.js';
import { normalizeIdentityNumber } from './debtor.js';

describe('Swedish identity numbers', () => {
  it('accepts published examples in both lengths and rejects a wrong check digit', () => {
    expect(checkSwedishPersonalNumber('811218-9876')).toEqual({ ok: true, normalized: '811218-9876' });
    expect(checkSwedishPersonalNumber('19121212-1212')).toEqual({ ok: true, normalized: '19121212-1212' });
    expect(checkSwedishPersonalNumber('8112189876')).toEqual({ ok: true, normalized: '811218-9876' });
    expect(checkSwedishPersonalNumber('811218-9877')).toMatchObject({ ok: false, reason: 'check digit does not match' });
    expect(checkSwedishPersonalNumber('811318-9876')).toMatchObject({ ok: false, reason: 'not a valid birth date' });
  });

  it('accepts organisation numbers and rejects personal numbers given as one', () => {
    expect(checkSwedishOrganisationNumber('556016-0680')).toEqual({ ok: true, normalized: '556016-0680' });
    expect(checkSwedishOrganisationNumber('5560160680')).toEqual({ ok: true, normalized: '556016-0680' });
    expect(checkSwedishOrganisationNumber('556016-0681').ok).toBe(false);
    expect(checkSwedishOrganisationNumber('811218-9876')).toMatchObject({ ok: false });
  });

  it('computes Luhn over the digits', () => {
    expect(luhnValid('8112189876')).toBe(true);
    expect(luhnValid('8112189875')).toBe(false);
  });
});

describe('Finnish identity numbers', () => {
  it('checks the henkilötunnus check character, old and new century signs', () => {
    expect(checkFinnishPersonalIdentityCode('131052-308T')).toEqual({ ok: true, normalized: '131052-308T' });
    expect(checkFinnishPersonalIdentityCode('010594Y9032').ok).toBe(true);
    expect(checkFinnishPersonalIdentityCode('131052-308U')).toMatchObject({ ok: false });
    expect(checkFinnishPersonalIdentityCode('311352-308T')).toMatchObject({ ok: false, reason: 'not a valid birth date' });
  });

  it('checks the Y-tunnus, including the remainder that has no valid check digit', () => {
    expect(checkFinnishBusinessId('0112038-9')).toEqual({ ok: true, normalized: '0112038-9' });
    expect(checkFinnishBusinessId('112038-9')).toEqual({ ok: true, normalized: '0112038-9' });
    expect(checkFinnishBusinessId('0112038-8').ok).toBe(false);
    expect(checkFinnishBusinessId('not-an-id').ok).toBe(false);
  });
});

describe('identity number by country and kind', () => {
  it('uses the scheme of the country and the kind of debtor', () => {
    expect(checkIdentityNumber('SE', 'consumer', '811218-9876').ok).toBe(true);
    expect(checkIdentityNumber('SE', 'business', '811218-9876').ok).toBe(false);
    expect(checkIdentityNumber('FI', 'business', '0112038-9').ok).toBe(true);
    expect(checkIdentityNumber('DE', 'business', 'HRB 12345')).toEqual({ ok: true, normalized: 'HRB 12345' });
    expect(checkIdentityNumber(null, 'consumer', '  ')).toMatchObject({ ok: false });
  });

  it('reports a bad number as a domain error naming the field', () => {
    expect(normalizeIdentityNumber(null, 'consumer', 'SE')).toBeNull();
    try {
      normalizeIdentityNumber('811218-9877', 'consumer', 'SE');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).kind).toBe('invalid_identity_number');
      expect((err as DomainError).issues[0]?.path).toBe('identityNumber');
    }
  });
});
