import { PDFDocument, StandardFonts } from 'pdf-lib';
import PDFKit from 'pdfkit';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { LetterAttachmentError, LetterContentError, renderLetter, type LetterContent } from './index.js';

const MM = 72 / 25.4;
const PAGE_HEIGHT_MM = 297;
const CREATED_AT = new Date('2026-11-24T08:00:00Z');

interface Item {
  text: string;
  /** Millimetres from the left edge and from the top edge, at the text's baseline. */
  x: number;
  top: number;
}

/** Reads a PDF back the way a reader would: text items with positions, per page. */
async function read(pdf: Uint8Array) {
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0 }).promise;
  const pages: Item[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(
      content.items
        .filter((item) => 'str' in item && item.str.trim() !== '')
        .map((item) => {
          const { str, transform } = item as { str: string; transform: number[] };
          return { text: str, x: (transform[4] ?? 0) / MM, top: PAGE_HEIGHT_MM - (transform[5] ?? 0) / MM };
        }),
    );
  }
  const info: Record<string, unknown> = Object.fromEntries(Object.entries((await doc.getMetadata()).info));
  await doc.destroy();
  return { pages, info, text: (page: Item[]) => page.map((i) => i.text).join(' ').replace(/\s+/g, ' ') };
}

const normal = (text: string): string => text.replace(/\s+/g, ' ');

const sender: LetterContent['sender'] = {
  name: 'Åkessons Inkasso AB',
  addressLines: ['Box 123', '111 22 Stockholm'],
  organisationNumber: '556677-8899',
  phone: '08-123 45 67',
  email: 'info@akessons.se',
  website: 'akessons.se',
};

const letters: Record<LetterContent['language'], LetterContent> = {
  sv: {
    language: 'sv',
    sender,
    recipient: { name: 'Örjan Ågren', addressLines: ['Storgatan 5 lgh 1102', '123 45 Småköping'] },
    date: '24 november 2026',
    reference: 'FD-2026-000123',
    subject: 'Påminnelse: obetald faktura 1001 från Åkessons',
    body: [
      'Hej Örjan,',
      'Vi har ännu inte fått betalt för faktura 1001 som förföll den 1 oktober 2026. Räkningen gäller årsavgiften för tjänsten och är nu försenad med mer än fem veckor, därför skickar vi denna påminnelse.',
      'Beloppet består av:\n- Fakturabelopp 1 200,00 kr\n- Påminnelseavgift 60,00 kr',
      'Med vänliga hälsningar\nÅkessons Inkasso AB',
    ].join('\n\n'),
    payment: [
      { label: 'Att betala', value: new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(1274.5) },
      { label: 'Förfallodag', value: '8 december 2026' },
      { label: 'Bankgiro', value: '123-4567' },
      { label: 'OCR-nummer', value: '2026000123' },
    ],
    createdAt: CREATED_AT,
  },
  fi: {
    language: 'fi',
    sender: { ...sender, name: 'Perintä Äijälä Oy', addressLines: ['Hämeenkatu 1', '33100 Tampere'], organisationNumber: '1234567-8' },
    recipient: { name: 'Väinö Määttä', addressLines: ['Pääskyskuja 4 B 12', '00970 Helsinki'] },
    date: '24.11.2026',
    reference: 'FD-2026-000456',
    subject: 'Maksumuistutus: erääntynyt lasku 2002',
    body: [
      'Hyvä Väinö Määttä,',
      'Emme ole vielä saaneet maksua laskusta 2002, joka erääntyi 1.10.2026. Pyydämme teitä maksamaan erääntyneen summan viimeistään eräpäivänä, jotta vältytään lisäkuluilta.',
      '- Laskun määrä 120,00 €\n- Muistutusmaksu 5,00 €',
      'Ystävällisin terveisin\nPerintä Äijälä Oy',
    ].join('\n\n'),
    payment: [
      { label: 'Maksettava', value: new Intl.NumberFormat('fi-FI', { style: 'currency', currency: 'EUR' }).format(125) },
      { label: 'Eräpäivä', value: '8.12.2026' },
      { label: 'IBAN', value: 'FI21 1234 5600 0007 85' },
      { label: 'Viitenumero', value: '12344 56785' },
    ],
    createdAt: CREATED_AT,
  },
  en: {
    language: 'en',
    sender,
    recipient: { name: 'Zoë Müller-Łukasiewicz', addressLines: ['12 Rue de l’Église', '75004 Paris', 'FRANCE'] },
    date: '24 November 2026',
    reference: 'FD-2026-000789',
    subject: 'Reminder: unpaid invoice 3003',
    body: [
      'Dear Zoë,',
      'We have not yet received payment for invoice 3003, which fell due on 1 October 2026. Please pay the amount below by the due date to avoid further fees and a hand-over to collection.',
      'The amount is made up of:\n- Invoice amount SEK 1,200.00\n- Reminder fee SEK 60.00',
      'Kind regards\nÅkessons Inkasso AB',
    ].join('\n\n'),
    payment: [
      { label: 'Amount due', value: 'SEK 1,260.00' },
      { label: 'Due date', value: '8 December 2026' },
      { label: 'IBAN', value: 'SE45 5000 0000 0583 9825 7466' },
      { label: 'Payment reference', value: '2026000789' },
    ],
    createdAt: CREATED_AT,
  },
};

const expectedLabels = { sv: ['Datum', 'Vår referens'], fi: ['Päivämäärä', 'Viitteemme'], en: ['Date', 'Reference'] };

async function invoicePdf(pageTexts: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const text of pageTexts) doc.addPage([595.28, 841.89]).drawText(text, { x: 60, y: 760, size: 14, font });
  return doc.save();
}

describe.each(['sv', 'fi', 'en'] as const)('a %s letter', (language) => {
  const content = letters[language];

  it('reads back with every part intact', async () => {
    const result = await renderLetter(content);
    expect(result).toMatchObject({ pages: 1, letterPages: 1 });
    const { pages, text } = await read(result.pdf);
    expect(pages).toHaveLength(1);
    const page = text(pages[0] ?? []);

    const expected = [
      content.sender.name,
      ...content.sender.addressLines,
      content.recipient.name.replace('Ł', 'L'),
      ...content.recipient.addressLines,
      content.date,
      content.reference,
      content.subject,
      ...expectedLabels[language],
      ...content.body.split(/\n+/).map((line) => line.replace(/^- /, '')),
      ...content.payment.flatMap((row) => [row.label, normal(row.value)]),
    ];
    for (const part of expected) expect(page).toContain(normal(part));
    expect(page).not.toMatch(/\d\/\d/);
  });

  it('puts the recipient in the envelope window and the date and reference beside it', async () => {
    const { pages } = await read((await renderLetter(content)).pdf);
    const items = pages[0] ?? [];
    const at = (text: string): Item => {
      const item = items.find((i) => i.text.includes(text));
      if (!item) throw new Error(`no text item contains ${text}`);
      return item;
    };
    for (const line of [content.recipient.name.replace('Ł', 'L'), ...content.recipient.addressLines]) {
      const { x, top } = at(line);
      expect(x).toBeGreaterThanOrEqual(20);
      expect(x).toBeLessThanOrEqual(105);
      expect(top).toBeGreaterThan(50);
      expect(top).toBeLessThan(90);
    }
    for (const value of [content.date, content.reference]) {
      const { x, top } = at(value);
      expect(x).toBeGreaterThan(105);
      expect(top).toBeGreaterThan(45);
      expect(top).toBeLessThan(90);
    }
  });
});

describe('renderLetter', () => {
  it('sets the metadata and gives the same bytes for the same input', async () => {
    const first = await renderLetter(letters.sv);
    const second = await renderLetter(letters.sv);
    expect(Buffer.from(first.pdf).equals(Buffer.from(second.pdf))).toBe(true);
    const { info } = await read(first.pdf);
    expect(info).toMatchObject({ Title: letters.sv.subject, Author: letters.sv.sender.name, Language: 'sv-SE' });
    expect(String(info.CreationDate)).toMatch(/^D:20261124080000/);
  });

  it('flows a long body over numbered pages and keeps the footer band for the footer', async () => {
    const paragraphs = Array.from({ length: 120 }, (_, i) => `Stycke ${i + 1}. Vi påminner om att fakturan är obetald och att avgifter kan tillkomma om den inte betalas i tid.`);
    const result = await renderLetter({ ...letters.sv, body: paragraphs.join('\n\n') });
    expect(result.letterPages).toBeGreaterThanOrEqual(3);
    expect(result.pages).toBe(result.letterPages);
    const { pages, text } = await read(result.pdf);
    expect(pages).toHaveLength(result.pages);

    const footer = normal(`Åkessons Inkasso AB · Org.nr 556677-8899 · Telefon 08-123 45 67 · E-post info@akessons.se · Webb akessons.se`);
    pages.forEach((items, index) => {
      const pageNumber = `Sida ${index + 1}/${pages.length}`;
      expect(text(items)).toContain(pageNumber);
      for (const item of items.filter((i) => i.top > 297 - 25)) {
        expect(`${footer} ${pageNumber}`).toContain(normal(item.text).trim());
      }
      // Nothing but the footer comes within 5 mm of the footer's rule at 272 mm.
      expect(items.filter((i) => i.top > 267 && i.top <= 272)).toEqual([]);
      if (index > 0) expect(text(items)).toContain('Vår referens FD-2026-000123');
    });

    // The body alone, without the running header and footer a paragraph may be split around.
    const all = pages.map((items) => text(items.filter((i) => i.top > 20 && i.top < 272))).join(' ');
    let from = 0;
    for (const paragraph of paragraphs) {
      const at = all.indexOf(paragraph, from);
      expect(at, paragraph).toBeGreaterThanOrEqual(from);
      from = at + paragraph.length;
    }
    // The payment box is kept whole, after the body.
    const last = text(pages[pages.length - 1] ?? []);
    for (const row of letters.sv.payment) expect(last).toContain(`${row.label} ${normal(row.value)}`);
    expect(last.indexOf('Betalningsinformation')).toBeGreaterThan(last.indexOf('Stycke 120.'));
  });

  it('continues a payment box taller than a page on the next page, every row kept', async () => {
    const payment = Array.from({ length: 70 }, (_, i) => ({ label: `Faktura ${1000 + i}`, value: `${i + 1},00 kr` }));
    const result = await renderLetter({ ...letters.sv, payment });
    const { pages, text } = await read(result.pdf);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    const body = pages.map((items) => text(items.filter((i) => i.top > 20 && i.top < 272))).join(' ');
    let from = 0;
    for (const row of payment) {
      const at = body.indexOf(`${row.label} ${row.value}`, from);
      expect(at, row.label).toBeGreaterThanOrEqual(from);
      from = at;
    }
    for (const items of pages) expect(items.filter((i) => i.top > 265 && i.top <= 272)).toEqual([]);
  });

  it('appends every page of each attachment after the letter, in order', async () => {
    const invoice = await invoicePdf(['Faktura 1001 sida 1 av 2', 'Faktura 1001 sida 2 av 2']);
    const credit = await invoicePdf(['Kreditfaktura 1002']);
    const result = await renderLetter(letters.sv, [invoice, credit]);
    expect(result).toMatchObject({ letterPages: 1, pages: 4 });
    const { pages, text, info } = await read(result.pdf);
    expect(pages.map(text).slice(1)).toEqual(['Faktura 1001 sida 1 av 2', 'Faktura 1001 sida 2 av 2', 'Kreditfaktura 1002']);
    expect(text(pages[0] ?? [])).toContain(letters.sv.subject);
    // The letter's metadata wins over the attachment's.
    expect(info).toMatchObject({ Title: letters.sv.subject });
  });

  it('rejects an attachment that is not a PDF, naming which one', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
    const invoice = await invoicePdf(['Faktura 1001']);
    const rendering = renderLetter(letters.sv, [invoice, garbage]);
    await expect(rendering).rejects.toBeInstanceOf(LetterAttachmentError);
    await expect(rendering).rejects.toMatchObject({ index: 1, message: expect.stringMatching(/^attachment 2 cannot be appended: it is not a readable PDF/) });
    await expect(renderLetter(letters.sv, [new Uint8Array()])).rejects.toBeInstanceOf(LetterAttachmentError);
  });

  it('rejects a truncated attachment', async () => {
    const invoice = await invoicePdf(['Faktura 1001 sida 1 av 2', 'Faktura 1001 sida 2 av 2']);
    await expect(renderLetter(letters.sv, [invoice.slice(0, Math.floor(invoice.length / 2))])).rejects.toBeInstanceOf(LetterAttachmentError);
  });

  it('rejects an encrypted attachment, whose copied pages would be unreadable', async () => {
    const doc = new PDFKit({ ownerPassword: 'owner', permissions: { printing: 'highResolution' } });
    const chunks: Uint8Array[] = [];
    doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    doc.text('Faktura 1001');
    doc.end();
    await ended;
    await expect(renderLetter(letters.sv, [Buffer.concat(chunks)])).rejects.toThrow(/attachment 1 cannot be appended: it is an encrypted PDF/);
  });

  it('shrinks a long address to fit the window and refuses one that cannot fit', async () => {
    const long = { ...letters.sv, recipient: { name: 'Bostadsrättsföreningen Östra Småköpings Strandängar', addressLines: ['c/o Förvaltningsbolaget i Norrland AB', 'Storgatan 5', '123 45 Småköping'] } };
    const { pages } = await read((await renderLetter(long)).pdf);
    const name = (pages[0] ?? []).find((i) => i.text.startsWith('Bostadsrättsföreningen'));
    expect(name?.x).toBeGreaterThanOrEqual(20);

    const tooMany = { ...letters.sv, recipient: { name: 'Örjan Ågren', addressLines: Array.from({ length: 12 }, (_, i) => `Rad ${i + 1}`) } };
    await expect(renderLetter(tooMany)).rejects.toBeInstanceOf(LetterContentError);
    await expect(renderLetter({ ...letters.sv, recipient: { name: 'Örjan Ågren', addressLines: [] } })).rejects.toBeInstanceOf(LetterContentError);
  });

  it('leaves out the contact details a sender does not have', async () => {
    const bare = { ...letters.en, sender: { ...sender, organisationNumber: null, phone: null, email: null, website: null } };
    const { pages, text } = await read((await renderLetter(bare)).pdf);
    const page = text(pages[0] ?? []);
    expect(page).toContain('Åkessons Inkasso AB');
    expect(page).not.toMatch(/Reg\. no\.|Phone|Email|Web\b/);
  });
});
