import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  /** Fixed per notification, so the same message is recognisable on every try. */
  messageId: string;
  from: { name: string; address: string };
  replyTo: string | null;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Headers that tie a reply to its case. */
  headers: Record<string, string>;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export type SendResult =
  | { outcome: 'sent'; providerMessageId: string; detail: string }
  | { outcome: 'temporary_failure' | 'permanent_failure'; detail: string };

export interface Mailer {
  readonly name: string;
  send(email: OutgoingEmail): Promise<SendResult>;
  close(): void;
}

function toNodemailer(email: OutgoingEmail) {
  return {
    messageId: email.messageId,
    from: email.from,
    to: email.to,
    replyTo: email.replyTo ?? undefined,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers: email.headers,
    attachments: email.attachments,
  };
}

/**
 * SMTP answers 5xx for what will never succeed (unknown recipient, rejected message) and 4xx
 * for what may succeed later; a connection that fails is assumed to be temporary.
 */
export function classifySmtpError(err: unknown): SendResult {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const detail = e.response ?? e.message ?? String(err);
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { outcome: 'permanent_failure', detail };
  if (e.code === 'EENVELOPE' && typeof e.responseCode !== 'number') return { outcome: 'permanent_failure', detail };
  return { outcome: 'temporary_failure', detail };
}

export function smtpMailer(smtpUrl: string): Mailer {
  // A pool keeps connections open between messages, as a steady flow of reminders needs.
  const url = new URL(smtpUrl);
  url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.toString());
  return {
    name: 'smtp',
    async send(email) {
      try {
        const info = await transport.sendMail(toNodemailer(email));
        return { outcome: 'sent', providerMessageId: String(info.messageId ?? email.messageId), detail: String(info.response ?? 'accepted') };
      } catch (err) {
        return classifySmtpError(err);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * Without an SMTP server, each email is written as an .eml file named by its notification, so
 * the system runs anywhere and a retry rewrites the same file instead of adding another.
 */
export function folderMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name: 'eml-folder',
    async send(email) {
      const info = (await transport.sendMail(toNodemailer(email))) as { message: Buffer };
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${email.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_')}.eml`);
      await writeFile(`${file}.tmp`, info.message);
      await rename(`${file}.tmp`, file);
      return { outcome: 'sent', providerMessageId: email.messageId, detail: `written to ${file}` };
    },
    close: () => transport.close(),
  };
}
