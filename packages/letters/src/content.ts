export type Language = 'sv' | 'en' | 'fi';

export interface LetterContent {
  language: Language;
  sender: {
    name: string;
    addressLines: string[];
    organisationNumber: string | null;
    phone: string | null;
    email: string | null;
    website: string | null;
  };
  /** Postal lines, the country last when the letter goes abroad. */
  recipient: { name: string; addressLines: string[] };
  /** Already formatted for the language. */
  date: string;
  /** The case reference the debtor quotes. */
  reference: string;
  /** The heading. */
  subject: string;
  /** Plain text: paragraphs separated by blank lines; lines starting with "- " are list items. */
  body: string;
  /** The payment details box, labels already in the letter's language. */
  payment: { label: string; value: string }[];
  /** The PDF's creation date; defaults to now. Pass it for byte-identical output. */
  createdAt?: Date;
}

export interface RenderedLetter {
  pdf: Uint8Array;
  /** Letter pages plus every attachment page. */
  pages: number;
  letterPages: number;
}

/** The content cannot be laid out as a mailable letter (e.g. the address does not fit the window). */
export class LetterContentError extends Error {
  override readonly name = 'LetterContentError';
}

/** An attachment could not be read as a PDF; the letter is not produced without it. */
export class LetterAttachmentError extends Error {
  override readonly name = 'LetterAttachmentError';
  constructor(
    /** Zero-based position in the attachments array. */
    readonly index: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`attachment ${index + 1} cannot be appended: ${reason}`, options);
  }
}
