import { describe, expect, it } from 'vitest';
import { parseBody, toWinAnsi } from './text.js';

describe('toWinAnsi', () => {
  it('keeps Swedish, Finnish and common Western European letters and symbols', () => {
    const text = 'åäö ÅÄÖ éü š ž Æ Ø ß € – — „“ ” ‘’ … •';
    expect(toWinAnsi(text)).toBe(text);
  });

  it('composes decomposed letters so they are kept rather than stripped', () => {
    expect(toWinAnsi('Ha\u0308meenlinna')).toBe('Hämeenlinna');
  });

  it('maps what Intl number formatting produces onto WinAnsi', () => {
    const amount = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(-1234.5);
    expect(toWinAnsi(amount)).toBe('-1\u00a0234,50\u00a0kr');
    expect(toWinAnsi('1\u202f234')).toBe('1\u00a0234');
  });

  it('drops diacritics it cannot draw and marks what has no Latin base', () => {
    expect(toWinAnsi('Łukasz Wąsik, Győr, Đorđe, Čáslav')).toBe('Lukasz Wasik, Gyor, Dorde, Cáslav');
    expect(toWinAnsi('Москва')).toBe('??????');
  });

  it('removes control characters and zero-width marks but keeps line breaks', () => {
    expect(toWinAnsi('a\u0007b\u200bc\r\nd\te')).toBe('abc\nd e');
  });
});

describe('parseBody', () => {
  it('splits paragraphs on blank lines and keeps single line breaks', () => {
    expect(parseBody('First line.\nSame paragraph.\n\n  \nMed vänliga hälsningar\nFordra')).toEqual([
      [{ kind: 'text', text: 'First line.\nSame paragraph.' }],
      [{ kind: 'text', text: 'Med vänliga hälsningar\nFordra' }],
    ]);
  });

  it('turns "- " lines into list items in place', () => {
    expect(parseBody('Parts:\n- Invoice 100\n  - Fee 60\nTotal 160')).toEqual([
      [
        { kind: 'text', text: 'Parts:' },
        { kind: 'item', text: 'Invoice 100' },
        { kind: 'item', text: 'Fee 60' },
        { kind: 'text', text: 'Total 160' },
      ],
    ]);
  });

  it('does not take a hyphenated word or a dash without a space for an item', () => {
    expect(parseBody('-5 kr\n--')).toEqual([[{ kind: 'text', text: '-5 kr\n--' }]]);
  });

  it('ignores an empty body', () => {
    expect(parseBody('\n\n')).toEqual([]);
  });
});
