import { isLanguage } from './format.js';
import { engine, parse, type Mode } from './engine.js';
import { TEMPLATE_KINDS, type MessageContext, type RenderedMessage, type TemplateKind, type TemplateSource } from './context.js';
import { defaultTemplate } from './defaults/index.js';

const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

export interface TemplateIssue {
  /** The failing part: subject, text or html. */
  path: string;
  message: string;
}

/** A template that does not parse or cannot be rendered; `issues` names the failing parts. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly issues: TemplateIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '), options);
  }
}

const modeOf = (part: Part): Mode => (part === 'html' ? 'html' : 'plain');

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Each part that does not parse, by name, so an API can refuse a bad override before storing it. */
export function templateIssues(source: TemplateSource): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const part of PARTS) {
    const text: unknown = source[part];
    if (typeof text !== 'string') {
      issues.push({ path: part, message: 'must be a string' });
      continue;
    }
    try {
      parse(modeOf(part), text, false);
    } catch (error) {
      issues.push({ path: part, message: `does not parse: ${reason(error)}` });
    }
  }
  return issues;
}

// Conditionals leave blank lines and trailing spaces behind; a letter body reads blank lines as
// paragraph breaks, so runs of them are folded to one. NBSP is kept: it holds "1 250,00 kr" together.
const tidyText = (s: string): string =>
  s
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
const tidySubject = (s: string): string => s.replace(/[ \t\r\n]+/g, ' ').trim();
const tidyHtml = (s: string): string => s.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n{2,}/g, '\n').trim();
const TIDY: Record<Part, (s: string) => string> = { subject: tidySubject, text: tidyText, html: tidyHtml };

async function renderPart(part: Part, source: string, context: MessageContext, cache: boolean): Promise<string> {
  let templates;
  try {
    templates = parse(modeOf(part), source, cache);
  } catch (error) {
    throw new TemplateError([{ path: part, message: `does not parse: ${reason(error)}` }], { cause: error });
  }
  try {
    const out: unknown = await engine(modeOf(part)).render(templates, context);
    return TIDY[part](String(out));
  } catch (error) {
    throw new TemplateError([{ path: part, message: `cannot be rendered: ${reason(error)}` }], { cause: error });
  }
}

/**
 * Renders one message: the creditor's override when given, else Fordra's wording for the kind in
 * the context's language. Rejects with a TemplateError naming the part that failed.
 */
export async function renderMessage(kind: TemplateKind, context: MessageContext, override?: TemplateSource): Promise<RenderedMessage> {
  if (!(TEMPLATE_KINDS as readonly string[]).includes(kind)) throw new RangeError(`unknown template kind: ${String(kind)}`);
  if (!isLanguage(context.language)) throw new RangeError(`unsupported language: ${String(context.language)}`);
  const source = override ?? defaultTemplate(kind, context.language);
  const cache = override === undefined;
  const [subject, text, html] = await Promise.all([
    renderPart('subject', source.subject, context, cache),
    renderPart('text', source.text, context, cache),
    renderPart('html', source.html, context, cache),
  ]);
  return { subject, text, html };
}
