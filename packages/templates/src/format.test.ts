import { describe, expect, it } from 'vitest';
import { formatDay, formatMoney, renderMessage, type TemplateSource } from './index.js';
import { sampleContext } from './test-context.js';

// Intl separates thousands and the currency with no-break spaces, which keep an amount on one line.
const spaced = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('writes Swedish amounts with kr or €', () => {
    expect(spaced(formatMoney(125_000, 'SEK', 'sv'))).toBe('1 250,00 kr');
    expect(spaced(formatMoney(125_000, 'EUR', 'sv'))).toBe('1 250,00 €');
    expect(formatMoney(125_000, 'SEK', 'sv')).toContain('\u00a0');
  });

  it('writes Finnish amounts with €', () => {
    expect(spaced(formatMoney(125_000, 'EUR', 'fi'))).toBe('1 250,00 €');
    expect(spaced(formatMoney(5, 'EUR', 'fi'))).toBe('0,05 €');
  });

  it('writes English amounts with the code or symbol first', () => {
    expect(spaced(formatMoney(125_000, 'SEK', 'en'))).toBe('SEK 1,250.00');
    expect(formatMoney(125_000, 'EUR', 'en')).toBe('€1,250.00');
  });

  it('uses the ISO code for foreign currencies in Swedish and Finnish, never "Nkr" next to "kr"', () => {
    expect(spaced(formatMoney(125_000, 'NOK', 'sv'))).toBe('1 250,00 NOK');
    expect(spaced(formatMoney(125_000, 'SEK', 'fi'))).toBe('1 250,00 SEK');
  });

  it('respects currencies without minor units', () => {
    expect(spaced(formatMoney(1250, 'ISK', 'en'))).toBe('ISK 1,250');
  });

  it('is exact for the largest accepted amounts and for negative ones', () => {
    expect(spaced(formatMoney(10_000_000_000_000, 'SEK', 'sv'))).toBe('100 000 000 000,00 kr');
    expect(formatMoney(1_234_567_890_123_457, 'EUR', 'en')).toBe('€12,345,678,901,234.57');
    expect(spaced(formatMoney(-6_000, 'SEK', 'sv')).replace('\u2212', '-')).toBe('-60,00 kr');
  });

  it('refuses amounts that are not whole minor units, and unknown currencies', () => {
    expect(() => formatMoney(12.5, 'SEK', 'sv')).toThrow(RangeError);
    expect(() => formatMoney(100, 'XXXX', 'sv')).toThrow(RangeError);
  });
});

describe('formatDay', () => {
  it('writes a day per language', () => {
    expect(formatDay('2026-11-24', 'sv')).toBe('24 november 2026');
    expect(formatDay('2026-11-24', 'fi')).toBe('24.11.2026');
    expect(formatDay('2026-11-24', 'en')).toBe('24 November 2026');
  });

  it('never moves the day, whatever the hour zones would make of midnight', () => {
    expect(formatDay('2026-01-01', 'sv')).toBe('1 januari 2026');
    expect(formatDay('2026-12-31', 'fi')).toBe('31.12.2026');
  });

  it('refuses what is not a calendar day', () => {
    expect(() => formatDay('2026-02-30', 'sv')).toThrow(RangeError);
    expect(() => formatDay('24.11.2026', 'fi')).toThrow(RangeError);
  });
});

describe('the money and day filters', () => {
  const template = (text: string): TemplateSource => ({ subject: 'x', text, html: text });

  it('format in the context language, with the currency given or the case currency', async () => {
    const text = '{{ 125000 | money: "EUR" }} | {{ feesMinor | money }} | {{ today | day }}';
    const sv = await renderMessage('friendly_reminder', sampleContext('sv'), template(text));
    expect(spaced(sv.text)).toBe('1 250,00 € | 60,00 kr | 24 november 2026');
    const fi = await renderMessage('friendly_reminder', sampleContext('fi'), template(text));
    expect(spaced(fi.text)).toBe('1 250,00 € | 60,00 € | 24.11.2026');
    const en = await renderMessage('friendly_reminder', sampleContext('en', { currency: 'SEK' }), template(text));
    expect(spaced(en.text)).toBe('€1,250.00 | SEK 60.00 | 24 November 2026');
  });

  it('render nothing for a missing value', async () => {
    const out = await renderMessage('friendly_reminder', sampleContext('sv', { handOverDate: null }), template('[{{ handOverDate | day }}][{{ payment_received.amountMinor | money }}]'));
    expect(out.text).toBe('[][]');
  });

  it('read the language from the context, which a template cannot reassign', async () => {
    const out = await renderMessage('friendly_reminder', sampleContext('sv'), template("{% assign language = 'en' %}{{ 125000 | money: 'SEK' }} {{ today | day }}"));
    expect(spaced(out.text)).toBe('1 250,00 kr 24 november 2026');
  });

  it('fail loudly on a value that is not an amount or a day', async () => {
    await expect(renderMessage('friendly_reminder', sampleContext('sv'), template("{{ 'soon' | money }}"))).rejects.toThrow(/money expects an amount in minor units/);
    await expect(renderMessage('friendly_reminder', sampleContext('sv'), template("{{ 'soon' | day }}"))).rejects.toThrow(/not a calendar date/);
  });
});
