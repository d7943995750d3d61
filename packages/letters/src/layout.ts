/**
 * Page geometry of a letter, in PDF points measured from the top-left corner (pdfkit's frame).
 *
 * The address field follows DIN 5008 form B, the layout made for window envelopes (DL, C5 and
 * C4 with a left window, as used in Sweden and Finland too): the field starts 20 mm from the left
 * edge and 45 mm from the top and is 85 mm wide. Its first 5 mm hold a one-line return address,
 * then 40 mm hold the recipient (the 85 × 40 mm field plus 5 mm return zone of the standard). The
 * recipient starts at 50 mm rather than at form B's 62.7 mm, because the Nordic C5 windows we
 * must also fit end about 80 mm from the top; six lines at 10 pt still end above 76 mm.
 * Text inside the field is set 5 mm in from its edge, on the letter's left margin (25 mm), so a
 * letter that shifts a little in the envelope still shows the whole address.
 */

/** Millimetres to PDF points (1 pt = 1/72 in). */
export const mm = (millimetres: number): number => (millimetres * 72) / 25.4;

export const PAGE = { width: mm(210), height: mm(297) } as const;

export const LEFT = mm(25);
export const RIGHT = mm(190);
export const BODY_WIDTH = RIGHT - LEFT;

export const WINDOW = {
  left: mm(20),
  top: mm(45),
  width: mm(85),
  height: mm(45),
  /** The return address line sits in the top 5 mm of the field. */
  returnLineTop: mm(45.8),
  addressTop: mm(50),
  addressHeight: mm(40),
  textLeft: LEFT,
  /** Ends 2 mm inside the field so glyphs never touch the window's edge. */
  textWidth: mm(20 + 85 - 25 - 2),
} as const;

/** Sender name and address, above the window. Must end before the field's top. */
export const SENDER = { top: mm(15), bottom: mm(43), width: mm(95) } as const;

/** Date and reference, to the right of the address field (DIN 5008's information block). */
export const INFO = { left: mm(125), top: mm(50), width: RIGHT - mm(125) } as const;

/** Where the subject starts on the first page (DIN 5008 form B puts it at about 98.5 mm). */
export const SUBJECT_TOP = mm(98.5);

/** Pages after the first carry a short header and start their text lower than a bare margin. */
export const CONTINUATION_HEADER_TOP = mm(12);
export const CONTINUATION_TOP = mm(25);

/**
 * Everything below FOOTER_TOP belongs to the footer; the body stops BODY_BOTTOM, leaving a
 * gap so the last line of a full page never reads as part of the footer.
 */
export const FOOTER_TOP = mm(272);
export const BODY_BOTTOM = mm(265);
export const FOOTER_TEXT_TOP = FOOTER_TOP + mm(2.5);
export const PAGE_NUMBER_WIDTH = mm(30);

export const MARGINS = {
  top: CONTINUATION_TOP,
  bottom: PAGE.height - BODY_BOTTOM,
  left: LEFT,
  right: PAGE.width - RIGHT,
} as const;

export const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;

export const SIZE = {
  senderName: 13,
  senderAddress: 9,
  returnLine: 7,
  /** Largest first: the recipient shrinks until it fits, never below DIN 5008's 8 pt minimum. */
  recipient: [10, 9.5, 9, 8.5, 8],
  infoLabel: 8,
  infoValue: 10,
  subject: 12,
  body: 10,
  footer: 7.5,
  continuationHeader: 8,
} as const;

export const BODY_LINE_GAP = 1.5;
export const PARAGRAPH_GAP = 7;
export const LIST_ITEM_GAP = 2;
export const LIST_INDENT = mm(6);

export const PAYMENT_BOX = {
  gapAbove: mm(5),
  padding: 7,
  rowGap: 3,
  /** Share of the box's inner width given to the labels. */
  labelShare: 0.45,
  headingFill: '#ebebeb',
  lineWidth: 1,
} as const;

export const MUTED = '#444444';
