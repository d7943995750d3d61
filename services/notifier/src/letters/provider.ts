import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface OutgoingLetter {
  /** The same key on every try: a print house receiving it twice prints it once. */
  idempotencyKey: string;
  pdf: Uint8Array;
  pages: number;
  recipient: { name: string; addressLines: string[] };
  mailClass: 'first_class' | 'economy';
}

export type LetterResult =
  | { outcome: 'sent'; providerMessageId: string; detail: string }
  | { outcome: 'temporary_failure' | 'permanent_failure'; detail: string };

/** A tracking event a print-and-mail service reports back. */
export type LetterTrackingEvent = { providerMessageId: string; event: 'mailed' | 'delivered' | 'returned_to_sender'; at: Date };

/**
 * Where letters go: a print house's drop folder by default, or a print-and-mail API behind the
 * same interface (send, cancel, tracking events).
 */
export interface LetterProvider {
  readonly name: string;
  send(letter: OutgoingLetter): Promise<LetterResult>;
  /** Stops a letter that has not gone to print yet; false when it is too late. */
  cancel(providerMessageId: string): Promise<boolean>;
}

/** Writes `<key>.pdf` and `<key>.json` (the manifest), each atomically, as print houses take drops. */
export function folderLetterProvider(dir: string): LetterProvider {
  const pathOf = (key: string, ext: string) => join(dir, `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.${ext}`);
  const writeAtomic = async (file: string, content: Uint8Array | string) => {
    await writeFile(`${file}.tmp`, content);
    await rename(`${file}.tmp`, file);
  };
  return {
    name: 'letter-folder',
    async send(letter) {
      if (letter.recipient.addressLines.length === 0) return { outcome: 'permanent_failure', detail: 'the recipient has no postal address' };
      await mkdir(dir, { recursive: true });
      await writeAtomic(pathOf(letter.idempotencyKey, 'pdf'), letter.pdf);
      // The manifest goes last: a print house that sees it may take the PDF.
      const manifest = {
        idempotencyKey: letter.idempotencyKey,
        recipient: letter.recipient,
        pages: letter.pages,
        mailClass: letter.mailClass,
        pdf: `${letter.idempotencyKey}.pdf`,
      };
      await writeAtomic(pathOf(letter.idempotencyKey, 'json'), `${JSON.stringify(manifest, null, 2)}\n`);
      return { outcome: 'sent', providerMessageId: letter.idempotencyKey, detail: `dropped in ${dir}` };
    },
    async cancel() {
      // A drop folder hands letters over as soon as they are written.
      return false;
    },
  };
}
