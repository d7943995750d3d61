import { Liquid, type Template } from 'liquidjs';
import { registerFilters } from './filters.js';

/** Subject and text are plain text; only the html part escapes what it outputs. */
export type Mode = 'plain' | 'html';

// Templates may come from creditors, so every render is bounded. The API accepts at most 100 000
// characters for a part; a render that needs more than a second or millions of string units
// is a loop gone wrong, never a message.
const LIMITS = { parseLimit: 200_000, renderLimit: 1_000, memoryLimit: 5_000_000 } as const;

function createEngine(mode: Mode): Liquid {
  const engine = new Liquid({
    ...LIMITS,
    ownPropertyOnly: true,
    strictFilters: true,
    // Optional fields a creditor's template names but a context lacks render empty rather than fail a send.
    strictVariables: false,
    // An empty in-memory mapping: include, render and layout find nothing, and no file is read.
    templates: {},
    ...(mode === 'html' ? { outputEscape: 'escape' as const } : {}),
  });
  registerFilters(engine);
  return engine;
}

// liquidjs applies outputEscape when it parses, so the escaping configuration needs an engine of
// its own; both are created once and share everything else.
const engines: Partial<Record<Mode, Liquid>> = {};

export function engine(mode: Mode): Liquid {
  return (engines[mode] ??= createEngine(mode));
}

// Only Fordra's own templates are cached: they are few and fixed, while caching creditors'
// sources would let their number and size decide how much memory we hold.
const parsedDefaults = new Map<string, Template[]>();

export function parse(mode: Mode, source: string, cache: boolean): Template[] {
  if (!cache) return engine(mode).parse(source);
  const key = `${mode}\u0000${source}`;
  let parsed = parsedDefaults.get(key);
  if (!parsed) {
    parsed = engine(mode).parse(source);
    parsedDefaults.set(key, parsed);
  }
  return parsed;
}
