export { TEMPLATE_KINDS, type MessageContext, type RenderedMessage, type TemplateKind, type TemplateSource } from './context.js';
export { defaultTemplate } from './defaults/index.js';
export { formatDay, formatMoney } from './format.js';
export { renderMessage, templateIssues, TemplateError, type TemplateIssue } from './render.js';
export { THREATENING_PHRASES } from './threatening.js';
export { agreementWording, type AgreementFacts } from './agreement-wording.js';
