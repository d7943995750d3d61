import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { classifySmtpError, folderMailer, type OutgoingEmail } from './mailer.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const email: OutgoingEmail = {
  messageId: '<notification-abc@acme.example>',
  from: { name: 'Acme AB', address: 'reminders@acme.example' },
  replyTo: 'reskontra@acme.example',
  to: { name: 'Kund AB', address: 'ap@kund.example' },
  subject: 'Påminnelse: faktura F-1',
  text: 'Hej! Vi har inte fått betalt.',
  html: '<p>Hej! Vi har inte fått betalt.</p>',
  headers: { 'X-Fordra-Case-Id': 'case-1' },
  attachments: [{ filename: 'invoice-F-1.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' }],
};

describe('the mail folder used when no SMTP server is set', () => {
  it('writes each email once as an .eml file named by its notification, a retry overwriting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fordra-mail-'));
    dirs.push(dir);
    const mailer = folderMailer(dir);
    expect((await mailer.send(email)).outcome).toBe('sent');
    expect((await mailer.send(email)).outcome).toBe('sent');
    const files = await readdir(dir);
    expect(files).toEqual(['notification-abc@acme.example.eml']);
    const parsed = await simpleParser(await readFile(join(dir, files[0]!)));
    expect(parsed.subject).toBe('Påminnelse: faktura F-1');
    expect(parsed.messageId).toBe('<notification-abc@acme.example>');
    expect(parsed.headers.get('x-fordra-case-id')).toBe('case-1');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['invoice-F-1.pdf']);
    mailer.close();
  });
});

describe('SMTP answers', () => {
  it('treats 5xx as final and 4xx or a lost connection as worth another try', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 no such user' }).outcome).toBe('permanent_failure');
    expect(classifySmtpError({ responseCode: 451, response: '451 try later' }).outcome).toBe('temporary_failure');
    expect(classifySmtpError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }).outcome).toBe('temporary_failure');
  });
});
