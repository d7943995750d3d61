import { PDFDocument } from 'pdf-lib';
import { LetterAttachmentError } from './content.js';

export interface Metadata {
  title: string;
  author: string;
  language: string;
  createdAt: Date;
}

/**
 * Appends every page of every attachment after the letter and sets the document's metadata.
 * pdf-lib also writes the metadata when there is nothing to append, so every letter leaves here
 * the same way and the output depends on `createdAt` alone, never on the clock.
 */
export async function assemble(letter: Uint8Array, attachments: readonly Uint8Array[], meta: Metadata): Promise<{ bytes: Uint8Array; pages: number }> {
  const out = await PDFDocument.load(letter, { updateMetadata: false });
  for (const [index, bytes] of attachments.entries()) {
    const source = await open(index, bytes);
    let pages;
    try {
      pages = await out.copyPages(source, source.getPageIndices());
    } catch (error) {
      throw new LetterAttachmentError(index, `its pages cannot be copied (${reason(error)})`, { cause: error });
    }
    for (const page of pages) out.addPage(page);
  }
  out.setTitle(meta.title, { showInWindowTitleBar: true });
  out.setAuthor(meta.author);
  out.setLanguage(meta.language);
  out.setCreator('Fordra');
  out.setProducer('Fordra');
  out.setCreationDate(meta.createdAt);
  out.setModificationDate(meta.createdAt);
  return { bytes: await out.save(), pages: out.getPageCount() };
}

async function open(index: number, bytes: Uint8Array): Promise<PDFDocument> {
  let source: PDFDocument;
  try {
    // Strict parsing: a damaged object would otherwise become a silently blank page. Encrypted
    // files are let through here only to be named as such below (pdf-lib's own error class
    // cannot be told apart with instanceof).
    source = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: true, ignoreEncryption: true });
  } catch (error) {
    throw new LetterAttachmentError(index, `it is not a readable PDF (${reason(error)})`, { cause: error });
  }
  if (source.isEncrypted) {
    // pdf-lib cannot decrypt, and pages copied out of an encrypted file are unreadable even when
    // viewing the original needs no password.
    throw new LetterAttachmentError(index, 'it is an encrypted PDF; decrypt it before attaching it');
  }
  if (source.getPageCount() === 0) throw new LetterAttachmentError(index, 'it has no pages');
  return source;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
