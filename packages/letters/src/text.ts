import type { LetterContent } from './content.js';

/**
 * The standard PDF fonts only carry WinAnsi (Windows-1252) glyphs, and pdfkit writes any other
 * character as a wrong byte rather than failing. So every string is brought into WinAnsi first:
 * Swedish and Finnish letters (å ä ö é ü š ž), € and typographic quotes pass unchanged; what
 * Intl formatting produces (U+2212 minus, narrow no-break space) gets its WinAnsi twin; other
 * Latin letters lose their diacritics (ł → l, ő → o) so a name stays readable and deliverable.
 */

const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a,
  0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

const isWinAnsi = (code: number): boolean =>
  code === 0x0a || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(code);

const SUBSTITUTES: Record<string, string> = {
  '\t': ' ',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2015': '\u2014',
  '\u2212': '-',
  '\u2007': '\u00a0',
  '\u202f': '\u00a0',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2004': ' ',
  '\u2005': ' ',
  '\u2006': ' ',
  '\u2008': ' ',
  '\u2009': ' ',
  '\u200a': ' ',
  '\u205f': ' ',
  '\u3000': ' ',
  '\u200b': '',
  '\u200c': '',
  '\u200d': '',
  '\u2060': '',
  '\ufeff': '',
  '\u2032': "'",
  '\u2033': '"',
  '\u2044': '/',
  '\u2116': 'No',
  // Letters that Unicode does not decompose into a base letter and a mark.
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŧ: 't',
  Ŧ: 'T',
  ŋ: 'n',
  Ŋ: 'N',
};

export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n').normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0;
    if (isWinAnsi(code)) {
      out += char;
      continue;
    }
    const substitute = SUBSTITUTES[char];
    if (substitute !== undefined) {
      out += substitute;
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) continue;
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every((c) => isWinAnsi(c.codePointAt(0) ?? 0)) ? base : '?';
  }
  return out;
}

const clean = (value: string | null): string | null => (value === null ? null : toWinAnsi(value).trim());

export function sanitizeContent(content: LetterContent): LetterContent {
  const lines = (values: string[]): string[] => values.map((l) => toWinAnsi(l).trim()).filter((l) => l !== '');
  return {
    ...content,
    sender: {
      name: toWinAnsi(content.sender.name).trim(),
      addressLines: lines(content.sender.addressLines),
      organisationNumber: clean(content.sender.organisationNumber),
      phone: clean(content.sender.phone),
      email: clean(content.sender.email),
      website: clean(content.sender.website),
    },
    recipient: { name: toWinAnsi(content.recipient.name).trim(), addressLines: lines(content.recipient.addressLines) },
    date: toWinAnsi(content.date).trim(),
    reference: toWinAnsi(content.reference).trim(),
    subject: toWinAnsi(content.subject).trim(),
    body: toWinAnsi(content.body),
    payment: content.payment.map((row) => ({ label: toWinAnsi(row.label).trim(), value: toWinAnsi(row.value).trim() })),
  };
}

/** A run of lines kept with their line breaks, or one list item. */
export type Block = { kind: 'text'; text: string } | { kind: 'item'; text: string };

const ITEM = /^\s*- (.*)$/;

/**
 * Blank lines separate paragraphs. Inside one, single line breaks are kept as written (a
 * closing "Kind regards / Name" must not run together), and "- " lines become list items.
 */
export function parseBody(body: string): Block[][] {
  return body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)+/)
    .map((paragraph) => {
      const blocks: Block[] = [];
      for (const raw of paragraph.split('\n')) {
        const line = raw.trim();
        if (line === '') continue;
        const item = ITEM.exec(raw);
        const previous = blocks[blocks.length - 1];
        if (item) blocks.push({ kind: 'item', text: (item[1] ?? '').trim() });
        else if (previous?.kind === 'text') previous.text += `\n${line}`;
        else blocks.push({ kind: 'text', text: line });
      }
      return blocks;
    })
    .filter((blocks) => blocks.length > 0);
}
