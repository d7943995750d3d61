import { LetterContentError, type LetterContent, type RenderedLetter } from './content.js';
import { drawLetter } from './draw.js';
import { LANGUAGE_TAGS } from './labels.js';
import { assemble } from './merge.js';
import { sanitizeContent } from './text.js';

export { LetterAttachmentError, LetterContentError, type Language, type LetterContent, type RenderedLetter } from './content.js';

/**
 * Renders a letter for a window envelope (A4) and appends every page of each attachment PDF,
 * in order, after it. Rejects with LetterContentError when the content cannot make a mailable
 * letter and with LetterAttachmentError when an attachment is not a readable PDF.
 */
export async function renderLetter(content: LetterContent, attachments: readonly Uint8Array[] = []): Promise<RenderedLetter> {
  const createdAt = content.createdAt ?? new Date();
  if (Number.isNaN(createdAt.getTime())) throw new LetterContentError('createdAt is not a valid date');
  const clean = sanitizeContent(content);
  if (clean.recipient.name === '' || clean.recipient.addressLines.length === 0) {
    throw new LetterContentError('a letter needs the recipient name and at least one address line');
  }
  if (clean.sender.name === '') throw new LetterContentError('a letter needs the sender name');

  const letter = await drawLetter(clean, createdAt);
  const merged = await assemble(letter.bytes, attachments, {
    title: clean.subject,
    author: clean.sender.name,
    language: LANGUAGE_TAGS[clean.language],
    createdAt,
  });
  return { pdf: merged.bytes, pages: merged.pages, letterPages: letter.pages };
}
