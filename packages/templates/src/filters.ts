import type { Context, Liquid } from 'liquidjs';
import type { Language } from '@fordra/domain';
import { formatDay, formatMoney, isLanguage } from './format.js';

// The message context is the render's environment; `assign` writes to scopes above it, so a
// template cannot switch the language or currency the filters read from here.
function environment(ctx: Context): { language: Language; currency: unknown } {
  const env = ctx.environments as { language?: unknown; currency?: unknown };
  return { language: isLanguage(env.language) ? env.language : 'en', currency: env.currency };
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

export function registerFilters(engine: Liquid): void {
  // `{{ amount | money: currency }}`; without an argument the case's currency is used.
  engine.registerFilter('money', function (value: unknown, currency?: unknown) {
    if (isBlank(value)) return '';
    const env = environment(this.context);
    const amount = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      throw new RangeError(`money expects an amount in minor units (an integer), got ${JSON.stringify(value)}`);
    }
    const code = isBlank(currency) ? env.currency : currency;
    if (typeof code !== 'string') throw new RangeError('money needs a currency code, e.g. {{ amount | money: currency }}');
    return formatMoney(amount, code, env.language);
  });

  // `{{ invoice.dueDate | day }}`
  engine.registerFilter('day', function (value: unknown) {
    if (isBlank(value)) return '';
    if (typeof value !== 'string') throw new RangeError(`day expects a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
    return formatDay(value, environment(this.context).language);
  });
}
