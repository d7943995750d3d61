import { describe, expect, it } from 'vitest';
import { minorUnitDigits, parseMinorUnits } from './amounts.js';
import { unescapeXml } from './xml.js';

describe('parseMinorUnits', () => {
  it('turns decimal text into exact minor units', () => {
    expect(parseMinorUnits('1250.50', 'SEK')).toBe(125_050n);
    expect(parseMinorUnits('1250', 'SEK')).toBe(125_000n);
    expect(parseMinorUnits('0.01', 'EUR')).toBe(1n);
    expect(parseMinorUnits('150', 'ISK')).toBe(150n);
    expect(parseMinorUnits('1.234', 'KWD')).toBe(1_234n);
    expect(parseMinorUnits('999999999999999999', 'ISK')).toBe(999_999_999_999_999_999n);
    expect(parseMinorUnits('10.500', 'SEK')).toBe(1_050n);
  });

  it('refuses what is not an exact amount in the currency', () => {
    for (const [text, ccy] of [['10.505', 'SEK'], ['1.5', 'ISK'], ['-1.00', 'SEK'], ['1e2', 'SEK'], ['1 000', 'SEK'], ['1,00', 'SEK'], ['', 'SEK'], ['1.000001', 'SEK'], ['1234567890123456789', 'SEK']] as const) {
      expect(parseMinorUnits(text, ccy), `${text} ${ccy}`).toBeNull();
    }
  });

  it('knows the minor units of ISO 4217', () => {
    expect([minorUnitDigits('SEK'), minorUnitDigits('EUR'), minorUnitDigits('ISK'), minorUnitDigits('JPY'), minorUnitDigits('BHD')]).toEqual([2, 2, 0, 0, 3]);
  });
});

describe('unescapeXml', () => {
  it('undoes the predefined escapes and character references, nothing else', () => {
    expect(unescapeXml('A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos; &#229;&#xE4;')).toBe('A & B <c> "d" \'e\' åä');
    expect(unescapeXml('&custom; &#0; &amp;amp;')).toBe('&custom; &#0; &amp;');
  });
});
