import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PAYMENT_REFERENCE_KINDS,
  explainInvalidReference,
  finnishCheckDigit,
  formatReference,
  hasOcrLengthDigit,
  isValidReference,
  kindOfReference,
  luhnCheckDigit,
  makeReference,
  normalizeReference,
  referenceKindFor,
  type PaymentReferenceKind,
} from './references.js';

describe('Swedish OCR references', () => {
  it('computes the Luhn check digit of published examples', () => {
    // The Luhn algorithm's textbook example: 7992739871 gets the check digit 3.
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(isValidReference('se_ocr', '79927398713')).toBe(true);
    expect(isValidReference('se_ocr', '79927398710')).toBe(false);
    // Bankgirot's example bankgiro number and a published personal number carry Luhn digits too.
    expect(luhnCheckDigit('5050105')).toBe(5);
    expect(luhnCheckDigit('811218987')).toBe(6);
  });

  it('puts the length digit before the check digit', () => {
    // 12345: 7 digits in all, so the length digit is 7; Luhn over 123457 doubles 7, 4 and 2
    // (5 + 5 + 8 + 3 + 4 + 1 = 26), so the check digit is 4.
    expect(makeReference('se_ocr', '12345')).toBe('1234574');
    expect(hasOcrLengthDigit('1234574')).toBe(true);
    // Ten digits or more: only the last digit of the length is written.
    const long = makeReference('se_ocr', '100000001');
    expect(long).toHaveLength(11);
    expect(long[9]).toBe('1');
    expect(makeReference('se_ocr', '12345', { ocrLengthDigit: false })).toBe('123455');
    expect(hasOcrLengthDigit('123455')).toBe(false);
  });

  it('keeps to 2–25 digits', () => {
    expect(makeReference('se_ocr', '1', { ocrLengthDigit: false })).toBe('18');
    expect(isValidReference('se_ocr', '0')).toBe(false);
    expect(() => makeReference('se_ocr', '1'.repeat(24))).toThrow(RangeError);
    expect(makeReference('se_ocr', '1'.repeat(23))).toHaveLength(25);
    expect(isValidReference('se_ocr', `${'0'.repeat(25)}0`)).toBe(false);
    expect(() => makeReference('se_ocr', '12A')).toThrow(RangeError);
  });

  it('reads references with spaces and prints them as one run of digits', () => {
    expect(normalizeReference('se_ocr', ' 1234 574 ')).toBe('1234574');
    expect(normalizeReference('se_ocr', '1234575')).toBeNull();
    expect(formatReference('se_ocr', '1234574')).toBe('1234574');
  });
});

describe('Finnish reference numbers', () => {
  it('computes the check digit of published examples', () => {
    // The Finnish banks' worked example, base 1232: 2·7 + 3·3 + 2·1 + 1·7 = 32, up to 40: check digit 8.
    expect(makeReference('fi_reference', '1232')).toBe('12328');
    expect(isValidReference('fi_reference', '12323')).toBe(false);
    // Base 12345: 5·7 + 4·3 + 3·1 + 2·7 + 1·3 = 67, up to 70: check digit 3.
    expect(makeReference('fi_reference', '12345')).toBe('123453');
    // Finance Finland's printed example "12 34561".
    expect(makeReference('fi_reference', '123456')).toBe('1234561');
    expect(finnishCheckDigit('123456712345678')).toBe(4);
    // Base 271: 1·7 + 7·3 + 2·1 = 30, which ends in zero: check digit 0, not 10.
    expect(finnishCheckDigit('271')).toBe(0);
    expect(makeReference('fi_reference', '271')).toBe('2710');
  });

  it('accepts the printed and machine-readable forms and rejects a wrong check digit', () => {
    expect(normalizeReference('fi_reference', '12 34561')).toBe('1234561');
    expect(normalizeReference('fi_reference', '00000000000001234561')).toBe('1234561');
    expect(normalizeReference('fi_reference', '1 23456 71234 56784')).toBe('1234567123456784');
    expect(normalizeReference('fi_reference', '1234562')).toBeNull();
    expect(normalizeReference('fi_reference', '123')).toBeNull();
    expect(normalizeReference('fi_reference', `1${'0'.repeat(20)}`)).toBeNull();
  });

  it('takes a base of 3–19 digits', () => {
    expect(() => makeReference('fi_reference', '12')).toThrow(RangeError);
    expect(() => makeReference('fi_reference', '0012')).toThrow(RangeError);
    expect(makeReference('fi_reference', '1'.repeat(19))).toHaveLength(20);
    expect(() => makeReference('fi_reference', '1'.repeat(20))).toThrow(RangeError);
  });

  it('prints groups of five from the right', () => {
    expect(formatReference('fi_reference', '1234561')).toBe('12 34561');
    expect(formatReference('fi_reference', '1234567123456784')).toBe('1 23456 71234 56784');
    expect(formatReference('fi_reference', '12328')).toBe('12328');
  });
});

describe('RF creditor references (ISO 11649)', () => {
  it('computes the check digits of published examples', () => {
    // ISO 11649's own example.
    expect(makeReference('rf', '539007547034')).toBe('RF18539007547034');
    expect(makeReference('rf', '2348231')).toBe('RF712348231');
    expect(makeReference('rf', 'G72UUR')).toBe('RF45G72UUR');
    expect(makeReference('rf', '18k5')).toBe('RF6518K5');
    expect(makeReference('rf', '5000056789012345')).toBe('RF485000056789012345');
  });

  it('accepts printed and lower-case forms and rejects wrong check digits', () => {
    expect(normalizeReference('rf', 'RF18 5390 0754 7034')).toBe('RF18539007547034');
    expect(normalizeReference('rf', 'rf18 5390 0754 7034')).toBe('RF18539007547034');
    expect(normalizeReference('rf', 'RF19539007547034')).toBeNull();
    expect(normalizeReference('rf', 'RF18539007547035')).toBeNull();
    // 01 is congruent to 98 modulo 97 but is never a valid pair of check digits.
    const r = makeReference('rf', '1');
    expect(r.slice(2, 4)).not.toBe('01');
    expect(normalizeReference('rf', 'XX18539007547034')).toBeNull();
    expect(normalizeReference('rf', `RF00${'1'.repeat(22)}`)).toBeNull();
  });

  it('takes up to 21 letters and digits', () => {
    expect(makeReference('rf', 'A'.repeat(21))).toHaveLength(25);
    expect(() => makeReference('rf', 'A'.repeat(22))).toThrow(RangeError);
    expect(() => makeReference('rf', '')).toThrow(RangeError);
    expect(() => makeReference('rf', 'AB-1')).toThrow(RangeError);
  });

  it('prints groups of four', () => {
    expect(formatReference('rf', 'RF18539007547034')).toBe('RF18 5390 0754 7034');
    expect(formatReference('rf', 'RF712348231')).toBe('RF71 2348 231');
  });
});

describe('choosing and explaining', () => {
  it("uses the creditor's setting, else its country's usual kind", () => {
    expect(referenceKindFor('SE', null)).toBe('se_ocr');
    expect(referenceKindFor('FI', undefined)).toBe('fi_reference');
    expect(referenceKindFor('DE', null)).toBe('rf');
    expect(referenceKindFor('SE', 'rf')).toBe('rf');
  });

  it("recognises a stored reference's kind, preferring the creditor's current one", () => {
    expect(kindOfReference('RF18539007547034', 'se_ocr')).toBe('rf');
    expect(kindOfReference('1234574', 'rf')).toBe('se_ocr');
    // 12328 is both a valid OCR reference and a valid Finnish one: the preferred kind wins.
    expect(isValidReference('se_ocr', '12328')).toBe(true);
    expect(kindOfReference('12328', 'fi_reference')).toBe('fi_reference');
    expect(kindOfReference('12328', 'se_ocr')).toBe('se_ocr');
    expect(kindOfReference('nonsense', 'rf')).toBeNull();
  });

  it('says what a reference of each kind looks like, and nothing for a valid one', () => {
    expect(explainInvalidReference('se_ocr', '1234575')).toMatch(/Luhn/);
    expect(explainInvalidReference('fi_reference', '1234562')).toMatch(/7-3-1/);
    expect(explainInvalidReference('rf', 'RF00')).toMatch(/ISO 11649/);
    expect(explainInvalidReference('rf', 'RF18539007547034')).toBeNull();
  });

  it('prints an invalid value as given rather than failing a message', () => {
    expect(formatReference('rf', ' ABC ')).toBe('ABC');
  });
});

describe('properties', () => {
  const kind = fc.constantFrom<PaymentReferenceKind>(...PAYMENT_REFERENCE_KINDS);
  // The bases the payment reference sequence hands out, and more: 3 to 15 digits, no leading zero.
  const base = fc.bigInt({ min: 100n, max: 999_999_999_999_999n }).map(String);

  /** The same reference with the character at `at` (a digit) replaced by another digit. */
  function changeDigit(ref: string, at: number, by: number): string {
    const digit = (Number(ref[at]) + by) % 10;
    return ref.slice(0, at) + String(digit) + ref.slice(at + 1);
  }

  it('every made reference validates, normalizes to itself and survives printing', () => {
    fc.assert(
      fc.property(kind, base, fc.boolean(), (k, b, lengthDigit) => {
        const ref = makeReference(k, b, { ocrLengthDigit: lengthDigit });
        expect(isValidReference(k, ref)).toBe(true);
        expect(normalizeReference(k, ref)).toBe(ref);
        expect(normalizeReference(k, formatReference(k, ref))).toBe(ref);
        if (k === 'se_ocr' && lengthDigit) expect(hasOcrLengthDigit(ref)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('an RF reference made from letters and digits validates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{1,21}$/), (b) => {
        expect(isValidReference('rf', makeReference('rf', b))).toBe(true);
      }),
    );
  });

  it('a single changed digit never validates', () => {
    fc.assert(
      fc.property(kind, base, fc.nat(), fc.integer({ min: 1, max: 9 }), (k, b, position, by) => {
        const ref = makeReference(k, b);
        const digitPositions = [...ref].flatMap((ch, i) => (/\d/.test(ch) ? [i] : []));
        const at = digitPositions[position % digitPositions.length]!;
        expect(isValidReference(k, changeDigit(ref, at, by))).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });
});
