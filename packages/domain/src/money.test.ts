import { describe, expect, it } from 'vitest';
import { add, isCurrency, money, sum, toJsonAmount } from './money.js';

describe('money', () => {
  it('adds in minor units without floating point', () => {
    // 0.1 + 0.2 in kronor is exactly 30 öre here.
    expect(add(money(10, 'SEK'), money(20, 'SEK'))).toEqual({ amountMinor: 30n, currency: 'SEK' });
  });

  it('sums past the range of Number exactly', () => {
    const big = money(Number.MAX_SAFE_INTEGER, 'EUR');
    expect(sum('EUR', [big, big]).amountMinor).toBe(2n * BigInt(Number.MAX_SAFE_INTEGER));
    expect(() => toJsonAmount(sum('EUR', [big, big]))).toThrow(RangeError);
  });

  it('never mixes currencies', () => {
    expect(() => add(money(1, 'SEK'), money(1, 'EUR'))).toThrow(/SEK with EUR/);
  });

  it('refuses fractional minor units', () => {
    expect(() => money(10.5, 'SEK')).toThrow(RangeError);
  });

  it('knows which currencies it accepts', () => {
    expect(isCurrency('SEK')).toBe(true);
    expect(isCurrency('XXX')).toBe(false);
    expect(isCurrency('toString')).toBe(false);
  });
});
