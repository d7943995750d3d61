import { DomainError } from './errors.js';

/** The largest invoice document accepted: big enough for scanned invoices, small enough to mail. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

/** A PDF starts with "%PDF-" (allowing a few leading bytes, as readers do). */
export function assertPdf(content: Uint8Array): void {
  const head = String.fromCharCode(...content.subarray(0, 1024));
  const at = head.indexOf('%PDF-');
  if (at < 0 || at > 16) {
    throw new DomainError('invalid_document', 'the document is not a PDF (it does not start with %PDF-)');
  }
}
