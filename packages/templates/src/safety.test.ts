import type { Language } from '@fordra/domain';
import { describe, expect, it } from 'vitest';
import { defaultTemplate, renderMessage, TEMPLATE_KINDS, TemplateError, templateIssues, THREATENING_PHRASES, type TemplateSource } from './index.js';
import { sampleContext } from './test-context.js';

const LANGUAGES: Language[] = ['sv', 'en', 'fi'];

const plain = (text: string): TemplateSource => ({ subject: 'Test', text, html: `<p>${text}</p>` });

describe('default templates', () => {
  it.each(LANGUAGES)('never use a threatening phrase (%s)', async (language) => {
    const phrases = THREATENING_PHRASES[language].map((p) => p.toLowerCase());
    expect(phrases.length).toBeGreaterThan(10);
    for (const kind of TEMPLATE_KINDS) {
      const source = defaultTemplate(kind, language);
      // The rendered message too: a final demand's conditionals must not assemble a threat.
      const rendered = await renderMessage(kind, sampleContext(language, { payment_received: { amountMinor: 100, paidOn: '2026-11-20', remainingMinor: 50 } }));
      for (const part of [source.subject, source.text, source.html, rendered.subject, rendered.text, rendered.html]) {
        const lower = part.toLowerCase();
        for (const phrase of phrases) expect(lower, `${kind}/${language} says "${phrase}"`).not.toContain(phrase);
      }
    }
  });

  it('keep the flagged words out of every language, including the forms the lists name', () => {
    expect(THREATENING_PHRASES.sv).toEqual(expect.arrayContaining(['polis', 'kronofogde', 'skam']));
    expect(THREATENING_PHRASES.fi).toEqual(expect.arrayContaining(['poliisi', 'ulosotto']));
    expect(THREATENING_PHRASES.en).toEqual(expect.arrayContaining(['police', 'jail', 'prison', 'shame', 'legal action']));
  });

  it('all parse, for every kind and language', () => {
    for (const kind of TEMPLATE_KINDS) for (const language of LANGUAGES) expect(templateIssues(defaultTemplate(kind, language))).toEqual([]);
  });

  it('are handed out as copies, so an edit cannot change what others send', async () => {
    const copy = defaultTemplate('friendly_reminder', 'sv');
    copy.text = 'changed';
    expect(defaultTemplate('friendly_reminder', 'sv').text).not.toBe('changed');
    expect((await renderMessage('friendly_reminder', sampleContext('sv'))).text).not.toBe('changed');
  });

  it('refuse an unknown kind or language', async () => {
    expect(() => defaultTemplate('threat' as never, 'sv')).toThrow(RangeError);
    expect(() => defaultTemplate('friendly_reminder', 'de' as never)).toThrow(RangeError);
    await expect(renderMessage('friendly_reminder', sampleContext('de' as never))).rejects.toThrow(/unsupported language/);
  });
});

describe('creditor templates', () => {
  it('render with the same variables and filters, escaping only the HTML part', async () => {
    const override: TemplateSource = {
      subject: 'Faktura {{ invoices.first.number }} från {{ creditor.name }}',
      text: 'Hej {{ debtor.name }}, betala {{ outstandingMinor | money: currency }} senast {{ payment.payBy | day }}.',
      html: '<p>Hej {{ debtor.name }}, betala {{ outstandingMinor | money: currency }}.</p>',
    };
    const m = await renderMessage('reminder_letter', sampleContext('sv', { debtor: { name: 'Kund & Co <AB>', kind: 'business' } }), override);
    expect(m.subject).toBe('Faktura 1001 från Åkessons Städ AB');
    expect(m.text.replace(/\u00a0/g, ' ')).toBe('Hej Kund & Co <AB>, betala 13 655,50 kr senast 4 december 2026.');
    expect(m.html.replace(/\u00a0/g, ' ')).toBe('<p>Hej Kund &amp; Co &lt;AB&gt;, betala 13 655,50 kr.</p>');
  });

  it('that do not parse are reported by part, and rendering them rejects with a clear error', async () => {
    const broken: TemplateSource = { subject: 'Påminnelse', text: 'Hej {{ unclosed', html: '<p>{% if debtor %}no end</p>' };
    const issues = templateIssues(broken);
    expect(issues.map((i) => i.path)).toEqual(['text', 'html']);
    expect(issues[0]!.message).toMatch(/does not parse: .*not closed/);
    expect(issues[1]!.message).toMatch(/does not parse: .*not closed/);

    const error = await renderMessage('friendly_reminder', sampleContext('sv'), broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).message).toMatch(/^(text|html): does not parse/);
    expect((error as TemplateError).issues[0]!.path).toMatch(/text|html/);
  });

  it('may only use the known filters', () => {
    const issues = templateIssues(plain('{{ debtor.name | shout }}'));
    expect(issues.map((i) => i.path)).toEqual(['text', 'html']);
    expect(issues[0]!.message).toContain('undefined filter: shout');
  });

  it('cannot read prototype properties of the context', async () => {
    const probe = '[{{ debtor.constructor }}][{{ debtor.__proto__ }}][{{ debtor.toString }}][{{ invoices.constructor }}][{{ creditor.name.constructor }}][{{ debtor.hasOwnProperty }}]';
    const m = await renderMessage('friendly_reminder', sampleContext('en'), plain(probe));
    expect(m.text).toBe('[][][][][][]');
    expect(m.html).toBe('<p>[][][][][][]</p>');
  });

  it('cannot read files through include, render or layout', async () => {
    for (const tag of ["{% include 'secrets' %}", "{% render 'secrets.liquid' %}", "{% layout 'base' %}x"]) {
      await expect(renderMessage('friendly_reminder', sampleContext('en'), plain(tag))).rejects.toThrow(TemplateError);
    }
  });

  it('are stopped when they run away', async () => {
    const started = Date.now();
    await expect(renderMessage('friendly_reminder', sampleContext('en'), plain('{% for i in (1..100000000) %}x{% endfor %}'))).rejects.toThrow(/limit exceeded/);
    await expect(
      renderMessage('friendly_reminder', sampleContext('en'), plain('{% assign s = "xxxxxxxxxx" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}')),
    ).rejects.toThrow(/limit exceeded/);
    // Within the memory budget but endless in time: the render time limit ends it.
    await expect(
      renderMessage('friendly_reminder', sampleContext('en'), plain('{% for a in (1..2200) %}{% for b in (1..2200) %}{{ b }}{% endfor %}{% endfor %}')),
    ).rejects.toThrow(/render limit exceeded/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('longer than the parse limit are refused', () => {
    const issues = templateIssues({ subject: 'x', text: 'x'.repeat(200_001), html: 'x' });
    expect(issues).toEqual([{ path: 'text', message: expect.stringContaining('limit exceeded') }]);
  });

  it('that are not strings are reported, not thrown', () => {
    expect(templateIssues({ subject: 'x', text: 'y', html: null as never })).toEqual([{ path: 'html', message: 'must be a string' }]);
  });
});
