import { describe, expect, it } from 'vitest';
import { isBic, normalizeBankgiro, normalizeIban } from './bank.js';

describe('bank details', () => {
  it('checks IBAN check digits and groups them in fours', () => {
    expect(normalizeIban('se4550000000058398257466')).toBe('SE45 5000 0000 0583 9825 7466');
    expect(normalizeIban('FI21 1234 5600 0007 85')).toBe('FI21 1234 5600 0007 85');
    expect(normalizeIban('SE4550000000058398257467')).toBeNull();
    expect(normalizeIban('not an iban')).toBeNull();
  });

  it('checks bankgiro numbers with their Luhn digit', () => {
    expect(normalizeBankgiro('5050-1055')).toBe('5050-1055');
    expect(normalizeBankgiro('50501055')).toBe('5050-1055');
    expect(normalizeBankgiro('5050-1056')).toBeNull();
  });

  it('recognises BICs', () => {
    expect(isBic('ESSESESS')).toBe(true);
    expect(isBic('NDEAFIHH')).toBe(true);
    expect(isBic('NOPE')).toBe(false);
  });
});
