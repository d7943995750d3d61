import PDFDocument from 'pdfkit';
import { LetterContentError, type LetterContent } from './content.js';
import { LABELS, LANGUAGE_TAGS, type Labels } from './labels.js';
import {
  BODY_BOTTOM,
  BODY_LINE_GAP,
  BODY_WIDTH,
  CONTINUATION_HEADER_TOP,
  CONTINUATION_TOP,
  FONT,
  FOOTER_TEXT_TOP,
  FOOTER_TOP,
  INFO,
  LEFT,
  LIST_INDENT,
  LIST_ITEM_GAP,
  MARGINS,
  MUTED,
  PAGE_NUMBER_WIDTH,
  PARAGRAPH_GAP,
  PAYMENT_BOX,
  RIGHT,
  SENDER,
  SIZE,
  SUBJECT_TOP,
  WINDOW,
  mm,
} from './layout.js';
import { parseBody } from './text.js';

type Doc = PDFKit.PDFDocument;

/** Draws the letter pages; `content` must already be WinAnsi-clean (see text.ts). */
export async function drawLetter(content: LetterContent, createdAt: Date): Promise<{ bytes: Uint8Array; pages: number }> {
  const labels = LABELS[content.language];
  const doc = new PDFDocument({
    size: 'A4',
    margins: { ...MARGINS },
    // Page numbers need the page count, known only once the body has flowed.
    bufferPages: true,
    info: { Title: content.subject, Author: content.sender.name, CreationDate: createdAt, ModDate: createdAt },
    lang: LANGUAGE_TAGS[content.language],
    displayTitle: true,
  });
  const bytes = collect(doc);

  drawSender(doc, content.sender);
  const addressBottom = drawWindow(doc, content);
  const infoBottom = drawInfo(doc, content, labels);
  doc.font(FONT.bold).fontSize(SIZE.subject).fillColor('black');
  doc.text(content.subject, LEFT, Math.max(SUBJECT_TOP, addressBottom + mm(6), infoBottom + mm(6)), { width: BODY_WIDTH });
  doc.y += PARAGRAPH_GAP * 1.5;
  drawBody(doc, content.body);
  drawPaymentBox(doc, content.payment, labels);
  const pages = drawPageFurniture(doc, content, labels);

  doc.end();
  return { bytes: await bytes, pages };
}

function collect(doc: Doc): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    doc.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function drawSender(doc: Doc, sender: LetterContent['sender']): void {
  doc.fillColor('black').font(FONT.bold).fontSize(SIZE.senderName);
  doc.text(sender.name, LEFT, SENDER.top, { width: SENDER.width });
  doc.font(FONT.regular).fontSize(SIZE.senderAddress);
  const address = sender.addressLines.join('\n');
  if (address === '') return;
  if (doc.y + doc.heightOfString(address, { width: SENDER.width }) > SENDER.bottom) {
    throw new LetterContentError('the sender address is too long for the letterhead above the address window');
  }
  doc.text(address, LEFT, doc.y, { width: SENDER.width });
}

/** Returns where the recipient's block ends. */
function drawWindow(doc: Doc, content: LetterContent): number {
  const { sender, recipient } = content;
  // One line, so undeliverable mail comes back: the fullest variant that fits is used.
  doc.font(FONT.regular).fontSize(SIZE.returnLine).fillColor('black');
  const returnLine = [[sender.name, ...sender.addressLines], [sender.name, ...sender.addressLines.slice(-1)], [sender.name]]
    .map((parts) => parts.join(', '))
    .find((line) => doc.widthOfString(line) <= WINDOW.textWidth);
  if (returnLine !== undefined) doc.text(returnLine, WINDOW.textLeft, WINDOW.returnLineTop, { lineBreak: false });

  const lines = [recipient.name, ...recipient.addressLines];
  const address = lines.join('\n');
  const fitsAt = (size: number, wrap: boolean): boolean => {
    doc.fontSize(size);
    return (
      (wrap || lines.every((line) => doc.widthOfString(line) <= WINDOW.textWidth)) &&
      doc.heightOfString(address, { width: WINDOW.textWidth }) <= WINDOW.addressHeight
    );
  };
  const smallest = SIZE.recipient[SIZE.recipient.length - 1] ?? 8;
  // Shrink before wrapping, and wrap a too-long line rather than let the window cut it off.
  const size = SIZE.recipient.find((candidate) => fitsAt(candidate, false)) ?? (fitsAt(smallest, true) ? smallest : undefined);
  if (size === undefined) {
    throw new LetterContentError('the recipient name and address do not fit the envelope window (85 × 40 mm)');
  }
  doc.fontSize(size);
  doc.text(address, WINDOW.textLeft, WINDOW.addressTop, { width: WINDOW.textWidth });
  return doc.y;
}

function drawInfo(doc: Doc, content: LetterContent, labels: Labels): number {
  doc.y = INFO.top;
  for (const [label, value] of [
    [labels.date, content.date],
    [labels.reference, content.reference],
  ] as const) {
    doc.font(FONT.regular).fontSize(SIZE.infoLabel).fillColor(MUTED);
    doc.text(label, INFO.left, doc.y, { width: INFO.width });
    doc.font(FONT.bold).fontSize(SIZE.infoValue).fillColor('black');
    doc.text(value, INFO.left, doc.y, { width: INFO.width });
    doc.y += 4;
  }
  return doc.y;
}

function newPage(doc: Doc): void {
  doc.addPage();
  doc.y = CONTINUATION_TOP;
}

/** Starts a new page unless `height` more points fit above the footer. */
function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > BODY_BOTTOM) newPage(doc);
}

function drawBody(doc: Doc, body: string): void {
  doc.font(FONT.regular).fontSize(SIZE.body).fillColor('black');
  const line = doc.currentLineHeight(true) + BODY_LINE_GAP;
  for (const paragraph of parseBody(body)) {
    for (const block of paragraph) {
      // pdfkit carries long text onto new pages itself; this keeps the first line (and a
      // bullet) from being stranded at a page's foot.
      ensureRoom(doc, line);
      if (block.kind === 'text') {
        doc.text(block.text, LEFT, doc.y, { width: BODY_WIDTH, lineGap: BODY_LINE_GAP });
      } else {
        const top = doc.y;
        doc.text('\u2022', LEFT + mm(1.5), top, { lineBreak: false });
        doc.text(block.text, LEFT + LIST_INDENT, top, { width: BODY_WIDTH - LIST_INDENT, lineGap: BODY_LINE_GAP });
        doc.y += LIST_ITEM_GAP;
      }
    }
    doc.y += PARAGRAPH_GAP;
  }
}

/** The box stays on one page when it can; a box taller than a page continues, framed, on the next. */
function drawPaymentBox(doc: Doc, rows: LetterContent['payment'], labels: Labels): void {
  if (rows.length === 0) return;
  const { padding, rowGap } = PAYMENT_BOX;
  const inner = BODY_WIDTH - 2 * padding;
  const labelWidth = inner * PAYMENT_BOX.labelShare - padding;
  const valueLeft = LEFT + padding + inner * PAYMENT_BOX.labelShare;
  const valueWidth = LEFT + BODY_WIDTH - padding - valueLeft;

  doc.fontSize(SIZE.body);
  const headingHeight = doc.font(FONT.bold).heightOfString(labels.paymentDetails, { width: inner }) + 2 * padding - rowGap;
  const heights = rows.map((row) =>
    Math.max(
      doc.font(FONT.regular).heightOfString(row.label, { width: labelWidth }),
      doc.font(FONT.bold).heightOfString(row.value, { width: valueWidth }),
    ),
  );
  const total = headingHeight + heights.reduce((sum, h) => sum + h + rowGap, 0) + padding;

  const page = BODY_BOTTOM - CONTINUATION_TOP;
  if (heights.some((h) => headingHeight + h + rowGap + padding > page)) {
    throw new LetterContentError('a payment detail is too long to fit on a page');
  }

  doc.y += PAYMENT_BOX.gapAbove;
  if (total <= page) ensureRoom(doc, total);
  let next = 0;
  while (next < rows.length) {
    ensureRoom(doc, headingHeight + (heights[next] ?? 0) + rowGap + padding);
    const top = doc.y;
    doc.rect(LEFT, top, BODY_WIDTH, headingHeight).fill(PAYMENT_BOX.headingFill);
    doc.fillColor('black').font(FONT.bold);
    doc.text(labels.paymentDetails, LEFT + padding, top + padding, { width: inner });
    let y = top + headingHeight + rowGap;
    for (; next < rows.length; next++) {
      const row = rows[next];
      const height = heights[next] ?? 0;
      if (!row || y + height + padding > BODY_BOTTOM) break;
      doc.font(FONT.regular).text(row.label, LEFT + padding, y, { width: labelWidth });
      doc.font(FONT.bold).text(row.value, valueLeft, y, { width: valueWidth });
      y += height + rowGap;
    }
    const bottom = y - rowGap + padding;
    doc.lineWidth(PAYMENT_BOX.lineWidth).rect(LEFT, top, BODY_WIDTH, bottom - top).stroke('black');
    doc.y = bottom;
    if (next < rows.length) newPage(doc);
  }
}

/** Footer on every page, a short header on continuation pages; returns the page count. */
function drawPageFurniture(doc: Doc, content: LetterContent, labels: Labels): number {
  const { sender } = content;
  const contact = [
    sender.name,
    sender.organisationNumber && `${labels.organisationNumber}\u00a0${sender.organisationNumber}`,
    sender.phone && `${labels.phone}\u00a0${sender.phone}`,
    sender.email && `${labels.email}\u00a0${sender.email}`,
    sender.website && `${labels.website}\u00a0${sender.website}`,
  ]
    // No-break spaces keep each label with its value when the line wraps.
    .filter((part): part is string => !!part)
    .join('   \u00b7   ');
  const { start, count } = doc.bufferedPageRange();
  for (let index = 0; index < count; index++) {
    doc.switchToPage(start + index);
    // Drawing below the bottom margin would make pdfkit open a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.lineWidth(0.5).moveTo(LEFT, FOOTER_TOP).lineTo(RIGHT, FOOTER_TOP).stroke(MUTED);
    doc.font(FONT.regular).fontSize(SIZE.footer).fillColor(MUTED);
    doc.text(contact, LEFT, FOOTER_TEXT_TOP, { width: BODY_WIDTH - PAGE_NUMBER_WIDTH });
    if (count > 1) {
      doc.text(`${labels.page} ${index + 1}/${count}`, RIGHT - PAGE_NUMBER_WIDTH, FOOTER_TEXT_TOP, {
        width: PAGE_NUMBER_WIDTH,
        align: 'right',
      });
    }
    if (index > 0) {
      doc.fontSize(SIZE.continuationHeader);
      doc.text(`${sender.name}   \u00b7   ${labels.reference} ${content.reference}`, LEFT, CONTINUATION_HEADER_TOP, {
        width: BODY_WIDTH,
      });
    }
    doc.page.margins.bottom = margin;
  }
  return count;
}
